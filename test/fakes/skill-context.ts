import type { ApprovalsPort, ApprovedAction } from '../../src/core/approvals.ts';
import { REPLY_VERSION, type Reply, ReplySchema } from '../../src/core/reply.ts';
import type { SkillContext } from '../../src/core/skill.ts';
import { TASK_VERSION, type Task } from '../../src/core/task.ts';
import type { ToolsPort } from '../../src/core/tools.ts';
import { silentLogger } from '../../src/observability/logger.ts';

/** A skill context without the worker: replies and progress are kept in arrays for assertions. */
export interface FakeContext extends SkillContext {
  replies: Reply[];
  steps: string[];
}

export function fakeTask(overrides: Partial<Task> = {}): Task {
  return {
    v: TASK_VERSION,
    id: '0190f000-0000-7000-8000-0000000000aa',
    tenantId: 'default',
    platform: 'api',
    kind: 'api',
    user: { id: 'alice', name: 'alice' },
    channel: 'ops',
    thread: 'thread-1',
    text: '',
    replyTo: { platform: 'api', tenantId: 'default', channel: 'ops', thread: 'thread-1' },
    sourceEventId: 'event-1',
    receivedAt: new Date(0).toISOString(),
    ...overrides,
  };
}

export function fakeContext(options: {
  task: Task;
  approvals: ApprovalsPort;
  approved?: ApprovedAction;
  tools?: (context: () => SkillContext) => ToolsPort;
  roles?: string[];
}): FakeContext {
  const replies: Reply[] = [];
  const steps: string[] = [];
  const context: FakeContext = {
    task: options.task,
    caller: {
      id: options.task.user.id,
      name: options.task.user.name ?? options.task.user.id,
      roles: async () => options.roles ?? [],
    },
    log: silentLogger,
    system: {
      version: 'test',
      mode: 'worker',
      database: 'postgresql',
      startedAt: new Date(0),
      languageModel: null,
      queueDepth: async () => ({ waiting: 0, active: 0, delayed: 0, failed: 0 }),
    },
    catalog: [],
    replies,
    steps,
    reply: async (reply) => {
      replies.push(
        typeof reply === 'string'
          ? ReplySchema.parse({ v: REPLY_VERSION, text: reply, blocks: [{ type: 'markdown', text: reply }] })
          : ReplySchema.parse(reply),
      );
      return { id: `message-${replies.length}` };
    },
    progress: async (step) => {
      steps.push(step);
    },
    approvals: options.approvals,
    llm: null,
    ...(options.approved ? { approved: options.approved } : {}),
  };
  return options.tools ? Object.assign(context, { tools: options.tools(() => context) }) : context;
}
