import { z } from 'zod';
import {
  ChatOpsError,
  DIGEST_COMMAND,
  type DigestsPort,
  defineSkill,
  type SkillContext,
} from '../../src/core/index.ts';
import { readFreeText } from './free-text.ts';
import { parseAdd } from './parse-add.ts';
import { CREATE_ACTION, changedReply, helpReply, listReply, previewReply, proposalReply } from './render.ts';

/**
 * Scheduled digests: `/digest add <kind> <when> [in #channel] [options]` shows what was understood, the next
 * three runs and a sample of the digest now; `/digest list`, `pause`, `resume`, `run` (once, now) and
 * `remove`. The scheduler fires digests as `/digest` tasks, which this skill hands to the digest engine
 * (claimed once per period, posted exactly once). Free text ("send me a digest of pending approvals every
 * morning") is read for meaning and answered with a preview and a button; it is never parsed as
 * subcommand words.
 */
export const digestSkill = defineSkill({
  id: 'digest',
  description:
    'Schedules digests (pending approvals, knowledge-base gaps, usage and cost, cluster deployments and locks, and the Jira sprint where Jira is connected) posted to a channel on a schedule.',
  commands: [
    {
      name: DIGEST_COMMAND,
      description: 'Schedule a digest in this channel, or list, pause, resume, run or remove one.',
      usage:
        '/digest add <kind> <when> [in #channel] [tz=Zone] [quiet=skip|line] | list | pause|resume|run|remove <id>',
      examples: [
        '/digest add approvals every day at 9:00',
        '/digest add usage every monday 9:00 tz=Europe/Berlin',
        '/digest list',
      ],
    },
  ],
  keywords: ['digest', 'digests', 'recap', 'scheduled summary'],
  examples: [
    'send me a digest of pending approvals every morning',
    'post a usage and cost digest here every monday',
    'which digests are scheduled here?',
  ],
  async handle(ctx) {
    const digests = ctx.digests;
    if (!digests) {
      throw new ChatOpsError('DEPENDENCY_UNAVAILABLE', 'Digests are not available in this process.', {
        remedy: 'Run the worker with the digest engine wired in (src/wiring/digests.ts).',
        retryable: false,
      });
    }
    const { task } = ctx;
    if (task.kind === 'schedule') {
      await digests.deliver(task);
      return;
    }
    if (task.kind === 'action') return confirm(ctx, digests);
    if (task.kind === 'command' && task.command === DIGEST_COMMAND) return command(ctx, digests);
    return freeText(ctx, digests);
  },
});

async function command(ctx: SkillContext, digests: DigestsPort): Promise<void> {
  const here = { platform: ctx.task.replyTo.platform, channel: ctx.task.replyTo.channel };
  const [verb = '', ...rest] = ctx.task.text.trim().split(/\s+/).filter(Boolean);
  const id = rest[0] ?? '';
  // Words after /digest that are not its grammar (an MCP client's "request", a sentence typed after the
  // command) are read as what they are: a request in someone's words.
  const grammar = ['add', 'list', 'remove', 'delete', 'pause', 'resume', 'run', 'help', 'kinds', ''];
  const byId = ['remove', 'delete', 'pause', 'resume', 'run'].includes(verb.toLowerCase());
  if (!grammar.includes(verb.toLowerCase()) || (byId && id !== '' && !/^dg-/i.test(id))) {
    return freeText(ctx, digests);
  }
  const needId = () => {
    if (id) return id;
    throw new ChatOpsError('VALIDATION_FAILED', `/digest ${verb} needs the digest's id.`, {
      remedy: 'The id (dg-…) is under each digest and in /digest list.',
    });
  };
  switch (verb.toLowerCase()) {
    case 'add': {
      const draft = parseAdd(rest.join(' '), ctx.task.args ?? {}, here);
      await ctx.reply(previewReply(await digests.add(draft), here));
      return;
    }
    case 'list':
      await ctx.reply(listReply(await digests.list(), here));
      return;
    case 'remove':
    case 'delete':
      await ctx.reply(changedReply(await digests.remove(needId()), 'removed'));
      return;
    case 'pause':
      await ctx.reply(changedReply(await digests.setPaused(needId(), true), 'paused'));
      return;
    case 'resume':
      await ctx.reply(changedReply(await digests.setPaused(needId(), false), 'resumed'));
      return;
    case 'run': {
      const { digest } = await digests.runNow(needId());
      const where =
        digest.platform === here.platform && digest.channel === here.channel ? 'here' : 'in its channel';
      await ctx.reply(changedReply(digest, `runs now: it posts ${where} in a moment`));
      return;
    }
    default:
      await ctx.reply(helpReply(digests.kinds()));
      return;
  }
}

async function freeText(ctx: SkillContext, digests: DigestsPort): Promise<void> {
  const here = { platform: ctx.task.replyTo.platform, channel: ctx.task.replyTo.channel };
  const kinds = digests.kinds();
  const read = readFreeText(ctx.task.text, kinds);
  if (read.intent === 'list') {
    await ctx.reply(listReply(await digests.list(), here));
    return;
  }
  if (read.intent === 'help' || !read.kind || !read.when) {
    const missing = read.intent === 'create' && read.kind ? 'when it should post' : 'which digest you mean';
    await ctx.reply(helpReply(kinds, `I can schedule that, but I could not tell ${missing}.`));
    return;
  }
  const draft = {
    kind: read.kind,
    when: read.when,
    ...(read.timeZone ? { timeZone: read.timeZone } : {}),
    options: {},
  };
  const preview = await digests.preview(draft);
  const note =
    ctx.task.kind === 'dm' || here.platform === 'api'
      ? null
      : 'It will post here, in this channel; ask me in a direct message to get it privately.';
  await ctx.reply(
    proposalReply(preview, { kind: draft.kind, when: draft.when, timeZone: preview.timeZone }, here, note),
  );
}

const ProposedDraft = z.strictObject({
  kind: z.string().min(1).max(40),
  when: z.string().min(1).max(200),
  timeZone: z.string().min(1).max(64),
});

/** "Schedule it" under a proposal: the draft in the button's value, scheduled where the button was. */
async function confirm(ctx: SkillContext, digests: DigestsPort): Promise<void> {
  const action = ctx.task.action;
  if (action?.id !== CREATE_ACTION) {
    throw new ChatOpsError('UNKNOWN_ACTION', `The digest skill has no button "${action?.id}".`, {
      remedy: 'Ask again, or type /digest add <kind> <when>.',
    });
  }
  let value: unknown = null;
  try {
    value = JSON.parse(action.value ?? '');
  } catch {}
  const parsed = ProposedDraft.safeParse(value);
  if (!parsed.success) {
    throw new ChatOpsError('VALIDATION_FAILED', 'That button no longer carries a digest I can read.', {
      remedy: 'Type /digest add <kind> <when> instead.',
    });
  }
  const here = { platform: ctx.task.replyTo.platform, channel: ctx.task.replyTo.channel };
  const { kind, when, timeZone } = parsed.data;
  await ctx.reply(previewReply(await digests.add({ kind, when, timeZone, options: {} }), here));
}
