import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { isProgressOnly, progressLine, type Reply, revealInvisible } from '../../src/core/index.ts';

export { isProgressOnly };

import { escapeMrkdwn } from './mrkdwn.ts';
import { SECTION_LIMIT } from './render.ts';

/**
 * Slack's AI-app surface. In an assistant thread, progress is Slack's own status line
 * (`assistant.threads.setStatus`, cleared by the next message in the thread) instead of a "working…"
 * message; a long answer there is streamed into one message (`chat.startStream` / `appendStream` /
 * `stopStream`) instead of being split over several. A status's platform id is `status:<thread ts>`, so
 * the update that replaces it knows there is no message to edit.
 */
export const STATUS_PREFIX = 'status:';

export function statusOf(platformMessageId: string): string | null {
  return platformMessageId.startsWith(STATUS_PREFIX) ? platformMessageId.slice(STATUS_PREFIX.length) : null;
}

/** The status line ("is fetching issues… (30%)"); Slack shows it next to the app's name. */
export function statusLine(reply: Reply): string {
  const text = revealInvisible(progressLine(reply));
  // A status is one short line: the newest part of a long step is the part worth showing.
  return text.length > 150 ? `…${text.slice(-149)}` : text;
}

/** The markdown to stream: set for answers too long for one section, in a thread that can stream. */
export function streamableMarkdown(reply: Reply): string | null {
  const markdown = reply.blocks.filter((block) => block.type === 'markdown');
  if (markdown.length !== 1 || reply.visibility === 'ephemeral') return null;
  const text = markdown[0]?.type === 'markdown' ? markdown[0].text : '';
  return text.length > SECTION_LIMIT ? text : null;
}

/**
 * Markdown for a stream, made as safe as our mrkdwn: `&`, `<`, `>` escaped, and every link's text says
 * where it goes (`[Jira](https://evil)` shows "Jira (evil)").
 */
export function safeMarkdown(text: string): string {
  return escapeMrkdwn(revealInvisible(text)).replace(
    /\[([^\]\n]{1,500})\]\((https?:\/\/[^)\s]+)\)/g,
    (_all, label: string, url: string) => `[${label} (${hostOf(url)})](${url})`,
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url.replace(/&amp;/g, '&')).host;
  } catch {
    return 'link';
  }
}

export interface StreamTarget {
  channel: string;
  threadTs: string;
  /** Needed outside DMs: whom the stream is for. */
  recipient?: { userId: string; teamId: string };
}

/** Streams `markdown` in chunks, then ends the stream with the reply's other blocks. Returns the ts. */
export async function streamAnswer(
  client: WebClient,
  target: StreamTarget,
  markdown: string,
  tail: KnownBlock[],
): Promise<string> {
  const chunks = chunk(safeMarkdown(markdown), SECTION_LIMIT);
  const started = await client.chat.startStream({
    channel: target.channel,
    thread_ts: target.threadTs,
    markdown_text: chunks[0] ?? ' ',
    ...(target.recipient
      ? { recipient_user_id: target.recipient.userId, recipient_team_id: target.recipient.teamId }
      : {}),
  });
  const ts = String(started.ts);
  for (const piece of chunks.slice(1)) {
    await client.chat.appendStream({ channel: target.channel, ts, markdown_text: piece });
  }
  await client.chat.stopStream({ channel: target.channel, ts, ...(tail.length > 0 ? { blocks: tail } : {}) });
  return ts;
}

// Chunks end at line breaks where possible and never inside an `&…;` entity.
function chunk(text: string, size: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > size) {
    let cut = rest.lastIndexOf('\n', size);
    if (cut < size / 2) cut = rest.lastIndexOf(' ', size);
    if (cut < size / 2) cut = size;
    const entity = rest.lastIndexOf('&', cut);
    if (entity > cut - 6 && rest.indexOf(';', entity) >= cut) cut = entity;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) pieces.push(rest);
  return pieces;
}
