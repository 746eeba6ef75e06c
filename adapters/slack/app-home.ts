import type { KnownBlock, View } from '@slack/types';
import type {
  ApprovalSummary,
  ApprovalsQuery,
  Logger,
  ScheduleSummary,
  SchedulesPort,
  TaskStatus,
} from '../../src/core/index.ts';
import { revealInvisible } from '../../src/core/index.ts';
import type { SlackClients } from './clients.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import { slackError } from './web-api-errors.ts';

/** A person's recent task, as the App Home lists it. */
export interface RecentTask {
  id: string;
  channel: string;
  command: string | undefined;
  text: string;
  status: TaskStatus;
  skill: string | null;
  receivedAt: string;
}

export interface RecentTasks {
  recentFor(tenantId: string, platform: 'slack', userId: string, limit: number): Promise<RecentTask[]>;
}

export interface AppHomeSources {
  tasks: RecentTasks;
  /** The installed commands (the skill catalog's): the tab's hints name only these. */
  commands: readonly string[];
  /** The approvals engine's query port; without it the section says approvals are not set up. */
  approvals?: ApprovalsQuery;
  /** The scheduler's port; without it the section says schedules are not set up. */
  schedules?: SchedulesPort;
}

export interface AppHomeContent {
  /** The installed commands, so every hint names a command the bot has. */
  commands: readonly string[];
  tasks: RecentTask[];
  approvals: ApprovalSummary[] | null;
  schedules: ScheduleSummary[] | null;
}

const STATUS_ICONS: Record<TaskStatus, string> = {
  queued: '🕒',
  running: '⏳',
  awaiting_approval: '✋',
  succeeded: '✅',
  failed: '❌',
};

/**
 * The App Home tab: what this person asked recently, the approvals waiting for them, and the schedules of
 * the channels they work in (all of the workspace's when they have none yet). Published after the
 * `app_home_opened` event is answered.
 */
export class AppHome {
  readonly #sources: AppHomeSources;
  readonly #clients: SlackClients;
  readonly #log: Logger;

  constructor(sources: AppHomeSources, clients: SlackClients, log: Logger) {
    this.#sources = sources;
    this.#clients = clients;
    this.#log = log;
  }

  async content(tenantId: string, userId: string): Promise<AppHomeContent> {
    const [tasks, approvals, schedules] = await Promise.all([
      this.#sources.tasks.recentFor(tenantId, 'slack', userId, 10),
      this.#sources.approvals?.pendingFor(tenantId, 'slack', userId) ?? null,
      this.#sources.schedules?.list(tenantId, { platform: 'slack' }) ?? null,
    ]);
    const channels = new Set(tasks.map((task) => task.channel));
    const mine = schedules?.filter((schedule) => channels.has(schedule.channel));
    return {
      commands: this.#sources.commands,
      tasks,
      approvals,
      schedules: mine && mine.length > 0 ? mine : schedules,
    };
  }

  async publish(tenantId: string, userId: string): Promise<void> {
    const view = homeView(await this.content(tenantId, userId));
    const { client } = await this.#clients.forTenant(tenantId);
    try {
      await client.views.publish({ user_id: userId, view });
    } catch (error) {
      const mapped = slackError(error, 'publishing the App Home');
      this.#log.warn('slack-home-publish-failed', { userId, code: mapped.code, error: mapped.message });
      throw mapped;
    }
  }
}

/**
 * The App Home view (pure). Everything shown is escaped; people and channels are Slack mentions. Its hints
 * name a command only when it is installed.
 */
export function homeView(content: AppHomeContent): View {
  const has = (command: string) => content.commands.includes(command);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'chatops', emoji: true } },
    context(
      `Mention me in a channel, DM me, or use ${has('help') ? '/chatops help' : '/chatops <command>'}. I answer in the thread.`,
    ),
    { type: 'header', text: { type: 'plain_text', text: 'Waiting for your approval', emoji: true } },
  ];
  if (content.approvals === null) blocks.push(context('Approvals are not set up on this installation.'));
  else if (content.approvals.length === 0) blocks.push(context('Nothing is waiting for you.'));
  for (const approval of (content.approvals ?? []).slice(0, 15)) {
    blocks.push(
      section(
        `*${escapeMrkdwn(shorten(approval.title, 300))}*\nAsked by ${person(approval.requestedBy)} in ${channel(approval.channel)} · ${approval.approvalsGiven}/${approval.approvalsRequired} approvals · expires ${date(approval.expiresAt)}`,
      ),
    );
  }
  blocks.push(
    ...more(
      content.approvals,
      15,
      has('approvals') ? 'Type /approvals to see them all.' : 'Each one waits in its thread.',
    ),
  );
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'Your recent requests', emoji: true } });
  if (content.tasks.length === 0) blocks.push(context('You have not asked me anything yet.'));
  for (const task of content.tasks) {
    const what = task.command ? `/${task.command} ${task.text}`.trim() : task.text || '(no text)';
    const shown = shorten(revealInvisible(what), 200);
    blocks.push(
      section(
        `${STATUS_ICONS[task.status]} ${escapeMrkdwn(shown)}\n${channel(task.channel)} · ${task.skill ? `${escapeMrkdwn(task.skill)} · ` : ''}${date(task.receivedAt)}`,
      ),
    );
  }
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'Schedules', emoji: true } });
  if (content.schedules === null) blocks.push(context('Schedules are not set up on this installation.'));
  else if (content.schedules.length === 0)
    blocks.push(context('No schedules yet: an administrator adds them with `chatops schedule add`.'));
  for (const schedule of (content.schedules ?? []).slice(0, 15)) {
    const next = schedule.nextRunAt ? `next ${date(schedule.nextRunAt)}` : 'paused';
    blocks.push(
      section(
        `*${escapeMrkdwn(schedule.name)}* in ${channel(schedule.channel)}: \`/${escapeMrkdwn(schedule.command)}\` at \`${escapeMrkdwn(schedule.cron)}\` (${escapeMrkdwn(schedule.timezone)}) · ${next}`,
      ),
    );
  }
  blocks.push(...more(content.schedules, 15, 'chatops schedule list shows them all.'));
  // At most 3 + 16 + 1 + tasks + 1 + 16 blocks: within Slack's 100 for a Home tab.
  return { type: 'home', blocks };
}

/**
 * A line of the dashboard. Every piece of free text in it is shortened visibly (with "…") before it is
 * escaped, so a section stays far below Slack's 3,000 characters and no entity is ever cut in half.
 */
function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function shorten(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Says how many were left out of a capped list, and where the whole list is. */
function more(items: readonly unknown[] | null, shown: number, where: string): KnownBlock[] {
  const hidden = (items?.length ?? 0) - shown;
  return hidden > 0 ? [context(`…and ${hidden} more. ${where}`)] : [];
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text, verbatim: true }] };
}

const SLACK_ID = /^[UWCDG][A-Z0-9]{6,20}$/;

function person(id: string): string {
  return SLACK_ID.test(id) && /^[UW]/.test(id) ? `<@${id}>` : escapeMrkdwn(id);
}

function channel(id: string): string {
  return SLACK_ID.test(id) && /^[CG]/.test(id) ? `<#${id}>` : escapeMrkdwn(id);
}

function date(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>` : '';
}
