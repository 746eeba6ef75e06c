import {
  ChatOpsError,
  defineSkill,
  FEEDBACK_DOWN_ACTION,
  FEEDBACK_UP_ACTION,
  KNOWLEDGE_PRIVATE_ACTION,
  type KnowledgePort,
  REPLY_VERSION,
  type SkillContext,
} from '../../src/core/index.ts';
import { knowledgeDigest } from './digest.ts';
import { kbCommand } from './kb-command.ts';
import { answerReply } from './render.ts';

/**
 * Knowledge Q&A: `/ask`, mentions and DMs the supervisor routes here, answered from the team's documents
 * with numbered citations. In a shared channel only collections every member may read are used; when the
 * asker may read more that looks relevant, the bot offers to answer them privately. `/kb` adds files shared
 * in the thread, re-syncs a collection (what scheduled re-syncs run) and lists collections.
 */
export const knowledgeSkill = defineSkill({
  id: 'knowledge',
  description:
    'Answers questions from the company knowledge base (runbooks, wiki pages, policies, architecture docs) and cites its sources.',
  commands: [
    {
      name: 'ask',
      description: 'Ask the knowledge base a question.',
      usage: '/ask <question>',
      examples: ['/ask how do I rotate the database credentials?', '/ask where is the on-call runbook?'],
    },
    {
      name: 'kb',
      description: 'Manage the knowledge base: add files shared in this thread, re-sync or list collections.',
      usage:
        '/kb add collection=<name> | /kb sync collection=<name> | /kb ingest <url|github:owner/repo> collection=<name> | /kb list',
      examples: ['/kb add collection=handbook', '/kb sync collection=runbooks', '/kb list'],
      arguments: [
        {
          name: 'collection',
          description: 'The collection to add to or re-sync.',
          pattern: '[a-z0-9][a-z0-9_.-]{0,63}',
        },
      ],
    },
  ],
  keywords: ['runbook', 'documentation', 'docs', 'wiki', 'knowledge base', 'how do i', 'where is', 'explain'],
  examples: [
    'how do I rotate the database credentials?',
    'where is the runbook for the payments service?',
    'what does our architecture doc say about caching?',
    'explain how the release process works',
  ],
  digests: [knowledgeDigest],
  async handle(ctx) {
    const knowledge = ctx.knowledge;
    if (!knowledge) {
      throw new ChatOpsError(
        'DEPENDENCY_UNAVAILABLE',
        'The knowledge base is not available in this process.',
        {
          remedy: 'Run the worker with the knowledge base wired in (src/main.ts).',
          retryable: false,
        },
      );
    }
    const { task } = ctx;
    if (task.kind === 'action' && task.action) return handleClick(ctx, knowledge);
    if (task.command === 'kb') return kbCommand(ctx, knowledge);
    const question = task.text.trim();
    if (!question) {
      await ctx.reply('Ask me a question, e.g. `/ask how do I rotate the database credentials?`');
      return;
    }
    await ctx.progress('Searching the knowledge base…');
    const answer = await knowledge.ask(question);
    const posted = await ctx.reply(answerReply(answer));
    await knowledge.recordAnswer(posted.id, question, answer);
  },
});

async function handleClick(ctx: SkillContext, knowledge: KnowledgePort): Promise<void> {
  const action = ctx.task.action;
  if (!action) return;
  if (action.id === FEEDBACK_UP_ACTION || action.id === FEEDBACK_DOWN_ACTION) {
    const vote = action.id === FEEDBACK_UP_ACTION ? 'up' : 'down';
    const { recorded } = await knowledge.recordFeedback(action.value ?? action.messageId, vote);
    await ctx.reply({
      v: REPLY_VERSION,
      text: recorded
        ? `Thanks, ${ctx.caller.name}: feedback ${vote === 'up' ? '👍' : '👎'} recorded.`
        : 'That answer is no longer known.',
      blocks: [
        {
          type: 'context',
          text: recorded
            ? `Thanks, ${ctx.caller.name}: your ${vote === 'up' ? '👍' : '👎'} is recorded with the question, the answer and its sources.`
            : 'That answer is no longer known.',
        },
      ],
      visibility: 'ephemeral',
      ephemeralUser: ctx.task.user.id,
    });
    return;
  }
  if (action.id === KNOWLEDGE_PRIVATE_ACTION) {
    const question = await knowledge.questionOf(action.messageId);
    if (!question)
      throw new ChatOpsError('NOT_FOUND', 'The question behind that answer is no longer known.', {
        remedy: 'Ask again in a DM.',
      });
    const answer = await knowledge.ask(question, { privately: true });
    const posted = await ctx.reply(answerReply(answer, { privately: true, userId: ctx.task.user.id }));
    await knowledge.recordAnswer(posted.id, question, answer);
    return;
  }
  throw new ChatOpsError('UNKNOWN_ACTION', `The knowledge skill has no button "${action.id}".`, {
    remedy: 'Ask the question again.',
  });
}
