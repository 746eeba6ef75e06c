import type { JiraConfig } from '../../config/load-config.ts';
import { ChatOpsError } from '../../core/errors.ts';
import type { JiraChannelSettings, JiraReportRequest, JiraReportResult } from '../../core/jira.ts';
import type { Clock, Logger } from '../../core/ports.ts';
import type { Database } from '../../db/database.ts';
import { workflowOf } from './analytics/workflow.ts';
import { JiraApi } from './api.ts';
import { JiraHttp } from './http.ts';
import type { Snapshot } from './model.ts';
import { cycleTimeReport, forecastReport } from './reports/flow-reports.ts';
import { sprintReport } from './reports/sprint-report.ts';
import { velocityReport } from './reports/velocity-report.ts';
import { blockersReport, workloadReport } from './reports/wip-reports.ts';
import { JiraStateStore } from './state-store.ts';
import { JiraStore } from './store.ts';
import { JiraSync, type SyncResult, type SyncScope, scopeKey } from './sync.ts';

/**
 * The Jira analytics engine: resolves which board or project a request is about, makes sure its snapshot
 * is at most JIRA_SYNC_MAX_AGE_SECONDS old (syncing first when it is not), loads it and runs the report.
 * Reports are pure functions of the snapshot (src/integrations/jira/reports), so the CLI, the skill and
 * scheduled digests get the same numbers.
 */
export interface JiraServiceOptions {
  database: Database;
  config: JiraConfig;
  log: Logger;
  clock?: Clock;
  /** Test seams for the HTTP client. */
  fetch?: typeof fetch;
  sleep?: (milliseconds: number) => Promise<void>;
}

export const DEFAULTS = { sprints: 6, days: 90, forecastItems: 10 } as const;

export class JiraService {
  readonly config: JiraConfig;
  readonly http: JiraHttp;
  readonly api: JiraApi;
  readonly store: JiraStore;
  readonly state: JiraStateStore;
  readonly syncer: JiraSync;
  readonly #clock: Clock;

  constructor(options: JiraServiceOptions) {
    this.config = options.config;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.http = new JiraHttp({
      host: options.config.host,
      auth: options.config.auth,
      concurrency: options.config.concurrency,
      maxRetries: options.config.maxRetries,
      timeoutMs: options.config.timeoutMs,
      log: options.log,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    this.api = new JiraApi(this.http);
    this.store = new JiraStore(options.database);
    this.state = new JiraStateStore(options.database);
    this.syncer = new JiraSync({
      api: this.api,
      store: this.store,
      state: this.state,
      storyPointsField: options.config.storyPointsField,
      clock: this.#clock,
      log: options.log,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  sync(tenant: string, scope: SyncScope, options: { full?: boolean } = {}): Promise<SyncResult> {
    return this.syncer.sync(tenant, scope, options);
  }

  /** Runs a report with a channel's settings (already merged over the installation's defaults). */
  async report(
    tenant: string,
    request: JiraReportRequest,
    settings: JiraChannelSettings,
  ): Promise<JiraReportResult> {
    const scope = await this.scopeFor(request, settings);
    const snapshot = await this.freshSnapshot(tenant, scope);
    const now = this.#clock.now();
    const workflow = workflowOf(
      snapshot.board ?? (await this.#boardOfProject(tenant, scope, settings)),
      snapshot.statuses,
      settings,
      settings.timezone ?? this.config.timezone,
    );
    switch (request.report) {
      case 'sprint':
        return sprintReport(snapshot, { now, workflow, sprint: request.sprint });
      case 'velocity':
        return velocityReport(snapshot, { now, workflow, sprints: request.sprints ?? DEFAULTS.sprints });
      case 'cycle-time':
        return cycleTimeReport(snapshot, { now, workflow, days: request.days ?? DEFAULTS.days });
      case 'forecast':
        return forecastReport(snapshot, {
          now,
          workflow,
          items: request.items ?? DEFAULTS.forecastItems,
          days: request.days ?? DEFAULTS.days,
        });
      case 'blockers':
        return blockersReport(snapshot, { now, workflow, reviewDays: this.config.stuckInReviewDays });
      case 'workload':
        return workloadReport(snapshot, { now, workflow });
    }
  }

  /** Sprint and velocity need a board; the others take a project, else the board. */
  async scopeFor(request: JiraReportRequest, settings: JiraChannelSettings): Promise<SyncScope> {
    const needsBoard = request.report === 'sprint' || request.report === 'velocity';
    const board = request.board ?? (request.project && !needsBoard ? undefined : settings.board);
    const project = request.project ?? settings.project;
    if (needsBoard || (!project && board !== undefined)) {
      if (board !== undefined) return { board };
      throw await this.#whichBoard(project);
    }
    if (project) return { project };
    throw new ChatOpsError('VALIDATION_FAILED', 'Which Jira project or board should I report on?', {
      remedy:
        "Name one (`/jira cycle-time project=OPS`), or set this channel's with `/jira config project=<KEY> board=<id>`.",
    });
  }

  /** The scope's snapshot, synced first when it is older than JIRA_SYNC_MAX_AGE_SECONDS. */
  async freshSnapshot(tenant: string, scope: SyncScope): Promise<Snapshot> {
    const state = await this.state.syncState(tenant, scopeKey(scope));
    const age = state?.lastSyncAt
      ? this.#clock.now().getTime() - Date.parse(state.lastSyncAt)
      : Number.POSITIVE_INFINITY;
    if (age > this.config.syncMaxAgeSeconds * 1000) await this.sync(tenant, scope);
    return this.snapshot(tenant, scope);
  }

  async snapshot(tenant: string, scope: SyncScope): Promise<Snapshot> {
    const key = scopeKey(scope);
    const [issues, statuses, state] = await Promise.all([
      this.store.issues(tenant, key),
      this.store.statuses(tenant),
      this.state.syncState(tenant, key),
    ]);
    const board = 'board' in scope ? await this.store.board(tenant, scope.board) : null;
    const referenced = [...new Set(issues.flatMap((issue) => issue.sprintIds))];
    const sprints = new Map((await this.store.sprintsById(tenant, referenced)).map((s) => [s.id, s]));
    if (board)
      for (const sprint of await this.store.sprintsOfBoard(tenant, board.id)) sprints.set(sprint.id, sprint);
    return {
      board,
      project: 'project' in scope ? scope.project : null,
      issues,
      sprints: [...sprints.values()],
      statuses,
      commitments: await this.store.commitments(tenant, [...sprints.keys()]),
      syncedAt: state?.lastSyncAt ?? null,
      browseBase: this.config.host,
    };
  }

  /** A project's reports use the channel's board columns when that board is the project's. */
  async #boardOfProject(tenant: string, scope: SyncScope, settings: JiraChannelSettings) {
    if (!('project' in scope) || settings.board === undefined) return null;
    const board = await this.store.board(tenant, settings.board);
    return board?.projectKey === scope.project ? board : null;
  }

  async #whichBoard(project: string | undefined): Promise<ChatOpsError> {
    const boards = await this.api.boards(project).catch(() => []);
    const listed = boards
      .slice(0, 10)
      .map((board) => `${board.id} (${board.name})`)
      .join(', ');
    return new ChatOpsError('VALIDATION_FAILED', 'Which board? This report needs a Jira board.', {
      remedy: `Name one (\`/jira sprint board=<id>\`) or set this channel's with \`/jira config board=<id>\`.${listed ? ` Boards${project ? ` of ${project}` : ''}: ${listed}.` : ''}`,
    });
  }
}
