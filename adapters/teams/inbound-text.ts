import { type InboundActivity, mentionsOf } from './activity.ts';

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/**
 * The words a person typed, as plain text: the bot's own @mention removed (in channels every message to
 * the bot starts with it), other people's mentions kept as `@Name`, Teams' HTML tags and entities undone.
 */
export function plainTextOf(activity: InboundActivity): string {
  let text = activity.text ?? '';
  for (const mention of mentionsOf(activity)) {
    const tag = mention.text ?? `<at>${mention.mentioned.name ?? ''}</at>`;
    const name = tag.replace(/<\/?at>/g, '');
    text = text.replace(tag, mention.mentioned.id === activity.recipient.id ? ' ' : `@${name}`);
  }
  // Any mention left without an entity (forwarded text) is kept as a name, never as markup.
  text = text.replace(/<at>([^<]*)<\/at>/g, '@$1');
  text = text.replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n').replace(/<[^>]+>/g, '');
  text = text.replace(/&(#39|[a-z]+);/g, (all, name: string) => ENTITIES[name] ?? all);
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .trim();
}
