import { expect } from 'vitest';
import type { Harness } from './harness.ts';
import { eventually } from './services.ts';

/**
 * Drives approvals through the REST API the way the web chat does: post a command, find its approval card
 * in the thread, click its buttons as different people, read what each click was answered.
 *
 * With `tokens` (outside `chatops dev`), each person acts with their own personal token and no request names
 * a user; reads use the `reader` token.
 */
export interface ApprovalsClientAuth {
  tokens: Record<string, string>;
  reader: string;
}
export interface ApprovalCard {
  messageId: string;
  approvalId: string;
  status: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the stored reply block field by field
  block: any;
  text: string;
}

export function approvalsClient(harness: Harness, channel = 'ops', auth?: ApprovalsClientAuth) {
  const readHeaders: Record<string, string> = auth ? { authorization: `Bearer ${auth.reader}` } : {};
  /** The body's `user` (dev) or the person's token (with keys). */
  const as = (user: string): { named: { user?: string }; headers: Record<string, string> } => {
    if (!auth) return { named: { user }, headers: {} };
    const token = auth.tokens[user];
    if (!token) throw new Error(`no token for ${user}`);
    return { named: {}, headers: { authorization: `Bearer ${token}` } };
  };
  async function finished(taskId: string, statuses = ['succeeded', 'failed', 'awaiting_approval']) {
    return eventually(
      async () => {
        const { body } = await harness.request('GET', `/api/v1/tasks/${taskId}`, undefined, readHeaders);
        return statuses.includes(body.status) ? body : undefined;
      },
      20_000,
      `task ${taskId} to end (${statuses.join('/')})`,
    );
  }

  async function thread(threadId: string) {
    const { body } = await harness.request(
      'GET',
      `/api/v1/threads/${threadId}/messages?channel=${channel}`,
      undefined,
      readHeaders,
    );
    return (body.messages ?? []) as {
      id: string;
      text: string;
      reply: { blocks: { type: string }[]; visibility: string; ephemeralUser?: string } | null;
      actions: { id: string; value?: string }[];
    }[];
  }

  async function card(threadId: string, index = 0): Promise<ApprovalCard> {
    return eventually(
      async () => {
        const cards = (await thread(threadId)).filter((message) =>
          message.reply?.blocks.some((block) => block.type === 'approval'),
        );
        const message = cards[index];
        if (!message?.reply) return undefined;
        // biome-ignore lint/suspicious/noExplicitAny: the approval block as stored
        const block = message.reply.blocks.find((entry) => entry.type === 'approval') as any;
        return {
          messageId: message.id,
          approvalId: block.approvalId,
          status: block.status,
          block,
          text: message.text,
        };
      },
      20_000,
      'the approval card',
    );
  }

  return {
    finished,
    thread,
    card,
    /** Posts a message as `user`; resolves once its task waits for approval (or ended). */
    async ask(user: string, text: string) {
      const who = as(user);
      const posted = await harness.request(
        'POST',
        '/api/v1/messages',
        { channel, ...who.named, text },
        who.headers,
      );
      expect(posted.status).toBe(202);
      const task = await finished(posted.body.taskId);
      return { taskId: String(posted.body.taskId), threadId: String(posted.body.threadId), task };
    },
    /** Clicks a button as `user`; resolves with the click task once it ended, with its replies. */
    async click(
      user: string,
      messageId: string,
      actionId: 'approval.approve' | 'approval.reject',
      extra: { value?: string; inputs?: Record<string, string> } = {},
    ) {
      const who = as(user);
      const response = await harness.request(
        'POST',
        '/api/v1/actions',
        { messageId, actionId, ...who.named, ...extra },
        who.headers,
      );
      if (response.status !== 202)
        return { status: response.status, body: response.body, replies: [], text: '' };
      const task = await finished(String(response.body.taskId), ['succeeded', 'failed']);
      const replies = task.replies as {
        text: string;
        reply: { visibility: string; ephemeralUser?: string };
      }[];
      return { status: 202, body: task, replies, text: replies.map((reply) => reply.text).join('\n') };
    },
  };
}
