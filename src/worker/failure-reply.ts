import type { ChatOpsError } from '../core/errors.ts';
import { REPLY_VERSION, type Reply, ReplySchema } from '../core/reply.ts';
import type { Task } from '../core/task.ts';

/** The one place an error becomes what the user sees: what went wrong, how to fix it, and a reference. */
export function failureReply(error: ChatOpsError, task: Pick<Task, 'id'>): Reply {
  const headline = `⚠️ ${error.message}`;
  const blocks: Reply['blocks'] = [{ type: 'markdown', text: headline }];
  if (error.remedy) blocks.push({ type: 'markdown', text: error.remedy });
  blocks.push({ type: 'context', text: `error ${error.code} · task ${task.id}` });
  return ReplySchema.parse({
    v: REPLY_VERSION,
    text: error.remedy ? `${headline} ${error.remedy}` : headline,
    blocks,
  });
}
