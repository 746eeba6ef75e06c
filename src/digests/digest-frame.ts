import type { DigestContent, DigestPeriod } from '../core/digests.ts';
import { REPLY_VERSION, type Reply, ReplySchema } from '../core/reply.ts';
import { formatLocalTime } from '../core/time-format.ts';

export interface FrameInput {
  content: DigestContent;
  /** The digest's id (its schedule name), kind and schedule as people read it. */
  id: string;
  kind: string;
  when: string;
  period: DigestPeriod;
  /** Deterministic per delivery (also Slack's metadata key): shown so a post can be found in the channel. */
  deliveryKey: string;
  catchUp: boolean;
  manual: boolean;
  /** Nothing happened and the schedule asked for one line. */
  oneLine: boolean;
}

/**
 * The frame around every digest: a title with the time it is for (in the digest's zone), the headline,
 * the kind's blocks, and a footer that names the digest (to pause or remove it) and the delivery key,
 * which is how a post can be recognised in the channel later (Teams cannot be searched by metadata).
 */
export function digestReply(input: FrameInput): Reply {
  const { content, period } = input;
  // "jira-sprint" reads "Jira sprint digest".
  const words = input.kind.replaceAll('-', ' ');
  const title = `${words.charAt(0).toUpperCase()}${words.slice(1)} digest`;
  const at = formatLocalTime(period.end, period.timeZone);
  const late = input.catchUp ? ' · sent late: no scheduler was running at its time' : '';
  const now = input.manual ? ' · asked for now' : '';
  const header = `*📬 ${title}* · ${at} (${period.timeZone})${late}${now}`;
  const covers = `${formatLocalTime(period.start, period.timeZone)} → ${at}`;
  const footer = `Digest \`${input.id}\` · ${input.when} · covers ${covers} · \`/digest pause ${input.id}\` · ref ${input.deliveryKey}`;
  const text = `${title}: ${content.headline}`;
  if (input.oneLine) {
    return ReplySchema.parse({
      v: REPLY_VERSION,
      text,
      blocks: [
        { type: 'markdown', text: `${header}\n${content.headline}` },
        { type: 'context', text: footer },
      ],
    });
  }
  return ReplySchema.parse({
    v: REPLY_VERSION,
    text,
    blocks: [
      { type: 'markdown', text: `${header}\n${content.headline}` },
      ...content.blocks,
      { type: 'context', text: footer },
    ],
  });
}
