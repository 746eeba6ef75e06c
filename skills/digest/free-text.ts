import { type DigestKindSpec, parseWhen } from '../../src/core/index.ts';

/**
 * What a person asked for in their own words ("send me a digest of pending approvals every morning"):
 * read for meaning — which digest, when, in which zone — never as subcommand words. The skill then shows a
 * preview with a button to confirm; nothing is scheduled from free text alone.
 */
export type FreeTextIntent =
  | { intent: 'list' }
  | { intent: 'create'; kind: string | null; when: string | null; timeZone: string | null }
  | { intent: 'help' };

/** Words that name each built-in kind; a kind a future skill adds is found by its own name. */
const KIND_WORDS: Record<string, RegExp> = {
  approvals: /\bapprov(al|als|e|er|ers)\b|\bsign[- ]?offs?\b/,
  knowledge:
    /\bknowledge\b|\bdocs?\b|\bdocuments?\b|\bdocumentation\b|\bunanswered\b|\bthumbs?[- ]down\b|👎|\bwiki\b/,
  deployments: /\bdeploy(s|ments?)?\b|\bclusters?\b|\bprovisioning\b|\benvironment locks?\b/,
  'jira-sprint': /\bsprints?\b|\bjira\b|\bburn-?down\b/,
  usage: /\busage\b|\bcosts?\b|\bspend(ing)?\b|\btokens?\b|\bhow (many|much)\b.*\btasks?\b|\bfailures?\b/,
};

/** Where a time phrase starts: "every …", "daily", "weekdays at …", "on mondays", "at 9". */
const WHEN_START =
  /\b(every|each|daily|weekly|monthly|hourly|weekdays?|weekends?|workdays?|mornings?|evenings?|on (mon|tue|wed|thu|fri|sat|sun)\w*|at \d)\b/;

export function readFreeText(text: string, kinds: readonly DigestKindSpec[]): FreeTextIntent {
  const lower = text.toLowerCase().replace(/\s+/g, ' ').trim();
  if (/\b(list|show|which|what)\b.*\bdigests\b|\bmy digests\b/.test(lower) && !WHEN_START.test(lower)) {
    return { intent: 'list' };
  }
  const kind = kindOf(lower, kinds);
  const when = whenOf(lower);
  const zone = /\b(?:in|tz=?)\s*([A-Za-z]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?|UTC)\b/.exec(text)?.[1] ?? null;
  if (!kind && !when) return { intent: 'help' };
  return { intent: 'create', kind, when, timeZone: zone };
}

function kindOf(lower: string, kinds: readonly DigestKindSpec[]): string | null {
  for (const spec of kinds) {
    const words = KIND_WORDS[spec.kind] ?? new RegExp(`\\b${spec.kind.replace(/[^a-z0-9]/g, '.')}\\b`);
    if (words.test(lower)) return spec.kind;
  }
  return null;
}

/** The longest phrase from the first time word on that reads as a time ("every morning at 8"). */
function whenOf(lower: string): string | null {
  const start = WHEN_START.exec(lower);
  if (!start) return null;
  const words = lower
    .slice(start.index)
    .replace(/[.!?;]+$/g, '')
    .replace(/[.!?;,]\s.*$/, '')
    .split(' ');
  for (let length = Math.min(words.length, 10); length > 0; length -= 1) {
    const candidate = words.slice(0, length).join(' ');
    try {
      parseWhen(candidate);
      return candidate;
    } catch {
      // Shorter: the phrase may be followed by other words ("every morning please").
    }
  }
  return null;
}
