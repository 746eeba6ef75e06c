import type { Reply, ReplyBlock } from './reply.ts';

/**
 * Characters that change what a reader sees without being seen themselves: bidirectional controls (a
 * right-to-left override makes `report‮txt.exe` read as `reportexe.txt`), zero-width characters and other
 * invisible formatting characters (which hide words, split look-alike names, or smuggle text to a model).
 * Everything an approver or a reader is shown passes through `revealInvisible`, which replaces each such
 * character with a visible marker, `⟨U+202E⟩`: the text still says what it said, and nobody is fooled.
 *
 * Kept as they are, because real writing needs them and they cannot reorder or hide text: the zero-width
 * joiner inside an emoji sequence (👩‍💻), the joiners of scripts that use them between letters (Persian,
 * Hindi, …), tag characters inside an emoji flag sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿), and ideographic variation
 * selectors after a CJK ideograph. Emoji presentation selectors (U+FE0E/U+FE0F) are visible and kept.
 */
// Alternatives, not one class: some of these are combining marks, which a character class would mislead on.
const INVISIBLE =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|\u034F|\u17B4|\u17B5|[\u{1D173}-\u{1D17A}]|[\u{E0000}-\u{E007F}]|[\u{E0100}-\u{E01EF}]/gu;

const ZERO_WIDTH_NON_JOINER = 0x200c;
const ZERO_WIDTH_JOINER = 0x200d;
const BLACK_FLAG = 0x1f3f4;
const EMOJI = /^(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}]|\u{FE0F})$/u;
// Scripts whose writing uses ZWJ/ZWNJ between letters (and their combining marks).
const JOINING_SCRIPT =
  /^[\p{Script_Extensions=Arabic}\p{Script_Extensions=Syriac}\p{Script_Extensions=Nko}\p{Script_Extensions=Mongolian}\p{Script_Extensions=Devanagari}\p{Script_Extensions=Bengali}\p{Script_Extensions=Gurmukhi}\p{Script_Extensions=Gujarati}\p{Script_Extensions=Oriya}\p{Script_Extensions=Tamil}\p{Script_Extensions=Telugu}\p{Script_Extensions=Kannada}\p{Script_Extensions=Malayalam}\p{Script_Extensions=Sinhala}\p{Script_Extensions=Myanmar}\p{Script_Extensions=Khmer}]$/u;
const IDEOGRAPH = /^\p{Ideographic}$/u;

/** The visible marker of an invisible character, e.g. `⟨U+202E⟩`. */
export function markerOf(codePoint: number): string {
  return `⟨U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** True when the text holds a character `revealInvisible` would mark. */
export function hasInvisible(text: string): boolean {
  return revealInvisible(text) !== text;
}

/** The text with every bidi control and invisible formatting character made visible as `⟨U+XXXX⟩`. */
export function revealInvisible(text: string): string {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(text)) return text;
  INVISIBLE.lastIndex = 0;
  return text.replace(INVISIBLE, (character: string, offset: number) => {
    const codePoint = character.codePointAt(0) ?? 0;
    return isLegitimate(codePoint, text, offset, character.length) ? character : markerOf(codePoint);
  });
}

function isLegitimate(codePoint: number, text: string, offset: number, length: number): boolean {
  const before = characterBefore(text, offset);
  const after = characterAt(text, offset + length);
  if (codePoint === ZERO_WIDTH_JOINER && EMOJI.test(before) && EMOJI.test(after)) return true;
  if (
    (codePoint === ZERO_WIDTH_JOINER || codePoint === ZERO_WIDTH_NON_JOINER) &&
    JOINING_SCRIPT.test(before) &&
    JOINING_SCRIPT.test(after)
  )
    return true;
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return inFlagSequence(text, offset);
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return IDEOGRAPH.test(before);
  return false;
}

/** A tag character belongs to a flag when only tag characters stand between it and a black flag 🏴. */
function inFlagSequence(text: string, offset: number): boolean {
  let index = offset;
  while (index > 0) {
    const previous = characterBefore(text, index);
    const codePoint = previous.codePointAt(0) ?? 0;
    if (codePoint === BLACK_FLAG) return true;
    if (codePoint < 0xe0020 || codePoint > 0xe007e) return false;
    index -= previous.length;
  }
  return false;
}

function characterAt(text: string, offset: number): string {
  const codePoint = text.codePointAt(offset);
  return codePoint === undefined ? '' : String.fromCodePoint(codePoint);
}

function characterBefore(text: string, offset: number): string {
  if (offset <= 0) return '';
  const last = text.charCodeAt(offset - 1);
  const isLowSurrogate = last >= 0xdc00 && last <= 0xdfff;
  return characterAt(text, isLowSurrogate && offset >= 2 ? offset - 2 : offset - 1);
}

const BUTTON_LABEL_LIMIT = 75;

/**
 * A reply with every string a reader sees revealed (see `revealInvisible`): text, markdown, fields, table
 * cells, file names, image captions, button labels, and the approval card's title, arguments and
 * decisions. Ids, values, URLs and file contents are left alone, so clicks and links still work. Every
 * renderer (Slack, Teams, web) starts from this.
 */
export function revealInvisibleInReply(reply: Reply): Reply {
  return { ...reply, text: revealInvisible(reply.text), blocks: reply.blocks.map(revealBlock) };
}

function revealBlock(block: ReplyBlock): ReplyBlock {
  const show = revealInvisible;
  switch (block.type) {
    case 'markdown':
    case 'context':
      return { ...block, text: show(block.text) };
    case 'fields':
      return {
        ...block,
        fields: block.fields.map((field) => ({ label: show(field.label), value: show(field.value) })),
      };
    case 'table':
      return { ...block, columns: block.columns.map(show), rows: block.rows.map((row) => row.map(show)) };
    case 'image':
      return {
        ...block,
        alt: show(block.alt),
        ...(block.title === undefined ? {} : { title: show(block.title) }),
      };
    case 'file':
      return { ...block, name: show(block.name) };
    case 'buttons':
      return {
        ...block,
        buttons: block.buttons.map((button) => ({ ...button, label: label(button.label) })),
      };
    case 'approval':
      return {
        ...block,
        title: show(block.title),
        summary: block.summary.map((item) => ({ label: show(item.label), value: show(item.value) })),
        decisions: block.decisions.map((decision) => ({
          ...decision,
          by: show(decision.by),
          ...(decision.reason === undefined ? {} : { reason: show(decision.reason) }),
        })),
      };
    case 'progress':
      return { ...block, step: show(block.step) };
    case 'divider':
      return block;
    case 'form':
      return {
        ...block,
        title: show(block.title),
        fields: block.fields.map((field) => ({
          ...field,
          description: show(field.description),
          ...(field.value === undefined ? {} : { value: show(field.value) }),
        })),
      };
  }
}

// Platforms cap button labels (Slack: 75 characters); a revealed label stays within the cap.
function label(text: string): string {
  const shown = revealInvisible(text);
  return shown.length > BUTTON_LABEL_LIMIT ? `${shown.slice(0, BUTTON_LABEL_LIMIT - 1)}…` : shown;
}
