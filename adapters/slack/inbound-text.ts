/**
 * What a person typed in Slack, as plain text for skills and the model: the bot's own mention removed,
 * other mentions, channels, links and Slack's escapes turned back into readable words. The result is
 * never sent back as markup (the renderer escapes it again), so `<!channel>` typed by someone stays words.
 */
export function plainTextOf(text: string, botUserId: string | undefined): string {
  let plain = text;
  if (botUserId) plain = plain.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ');
  plain = plain
    .replace(/<@([A-Z0-9]+)\|([^>]+)>/g, '@$2')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)\|([^>]*)>/g, (_all, id: string, name: string) => `#${name || id}`)
    .replace(/<#([A-Z0-9]+)>/g, '#$1')
    .replace(/<!subteam\^[A-Z0-9]+\|([^>]+)>/g, '$1')
    .replace(/<!subteam\^([A-Z0-9]+)>/g, '@$1')
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/<(mailto:)?([^|>]+)\|([^>]+)>/g, (_all, _mail, url: string, label: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/<(mailto:)?([^>]+)>/g, '$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return plain
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .trim();
}

/** True when the text mentions the bot (such a message also arrives as `app_mention`). */
export function mentionsBot(text: string, botUserId: string | undefined): boolean {
  return botUserId !== undefined && new RegExp(`<@${botUserId}(\\|[^>]*)?>`).test(text);
}
