import { ChatOpsError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Clock, Logger } from '../../core/ports.ts';
import { CHANGELOG_BATCH, type JiraApi } from './api.ts';
import { recordStartedSprints } from './commitments.ts';
import type { SiteFields, SnapshotIssue, SnapshotSprint } from './model.ts';
import {
  changelogFieldIds,
  discoverFields,
  searchFields,
  sprintsOfIssue,
  toChanges,
  toIssue,
  toSprint,
} from './normalize.ts';
import type { RawChangeItem, RawIssue } from './schemas.ts';
import type { JiraStateStore } from './state-store.ts';
import type { JiraStore } from './store.ts';

/**
 * Brings a board's or a project's snapshot up to date. The first sync (and one a day after) reads every
 * issue; later ones ask only for issues updated since the last sync started (minus a safety margin, since
 * Jira's search is eventually consistent) and replace those issues' whole histories. Search pages are read
 * one after another (each names the next), while the changelogs of earlier pages are fetched alongside,
 * bounded by the HTTP client's concurrency. A lease in the database keeps two workers off one scope.
 */
export type SyncScope = { board: number } | { project: string };

export interface SyncResult {
  scope: string;
  full: boolean;
  issues: number;
  sprints: number;
  commitmentsRecorded: number;
  durationMs: number;
  /** False when another worker held the lease and this call only waited for its sync. */
  ran: boolean;
}

export interface JiraSyncOptions {
  api: JiraApi;
  store: JiraStore;
  state: JiraStateStore;
  storyPointsField: string | undefined;
  clock: Clock;
  log: Logger;
  /** Search pages whose changelogs may be in flight at once (memory bound, not a request limit). */
  pagesInFlight?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

const FULL_SYNC_EVERY_MS = 24 * 60 * 60_000;
const INCREMENTAL_MARGIN_MINUTES = 5;
const LEASE_SECONDS = 15 * 60;

export function scopeKey(scope: SyncScope): string {
  return 'board' in scope ? `board:${scope.board}` : `project:${scope.project}`;
}

export class JiraSync {
  readonly #options: JiraSyncOptions;
  readonly #running = new Map<string, Promise<SyncResult>>();

  constructor(options: JiraSyncOptions) {
    this.#options = options;
  }

  /** Syncs once per scope at a time in this process; concurrent callers share the run. */
  sync(tenant: string, scope: SyncScope, options: { full?: boolean } = {}): Promise<SyncResult> {
    const key = `${tenant}\u0000${scopeKey(scope)}`;
    const running = this.#running.get(key);
    if (running) return running;
    const run = this.#leased(tenant, scope, options.full === true).finally(() => this.#running.delete(key));
    this.#running.set(key, run);
    return run;
  }

  async #leased(tenant: string, scope: SyncScope, forceFull: boolean): Promise<SyncResult> {
    const key = scopeKey(scope);
    const owner = uuidv7();
    const { state, clock } = this.#options;
    const started = clock.now();
    if (!(await state.takeLease(tenant, key, owner, LEASE_SECONDS))) {
      await this.#waitForOtherSync(tenant, key);
      return {
        scope: key,
        full: false,
        issues: 0,
        sprints: 0,
        commitmentsRecorded: 0,
        durationMs: 0,
        ran: false,
      };
    }
    try {
      const previous = await state.syncState(tenant, key);
      const full =
        forceFull ||
        !previous?.lastSyncAt ||
        !previous.lastFullAt ||
        started.getTime() - Date.parse(previous.lastFullAt) > FULL_SYNC_EVERY_MS;
      const since = full ? null : Date.parse(previous?.lastSyncAt ?? '');
      const counts = await this.#run(tenant, scope, since, started);
      await state.finishSync(tenant, key, owner, {
        startedAt: started.toISOString(),
        full,
        issues: counts.issues,
      });
      const result = { scope: key, full, ...counts, durationMs: Date.now() - started.getTime(), ran: true };
      this.#options.log.info('jira-synced', { ...result });
      return result;
    } catch (error) {
      await state
        .finishSync(tenant, key, owner, { error: (error as Error).message })
        .catch((inner: unknown) => this.#options.log.warn('jira-sync-state-not-saved', { error: inner }));
      throw error;
    }
  }

  async #run(tenant: string, scope: SyncScope, since: number | null, now: Date) {
    const { api, store } = this.#options;
    const key = scopeKey(scope);
    const board = 'board' in scope ? await this.#syncBoard(tenant, scope.board) : null;
    const site = discoverFields(
      await api.fields(),
      this.#options.storyPointsField,
      board?.estimationField ?? null,
    );
    await store.saveSiteFields(tenant, site);
    const statuses = await api.statuses();
    await store.saveStatuses(
      tenant,
      statuses.map((status) => ({
        id: status.id,
        name: status.name,
        category: status.statusCategory?.key ?? 'indeterminate',
      })),
    );
    const base = board
      ? board.filterId
        ? `filter = ${board.filterId}`
        : `project = "${board.projectKey}"`
      : `project = "${(scope as { project: string }).project}"`;
    const jql =
      since === null
        ? base
        : `(${base}) AND updated >= "-${Math.ceil((now.getTime() - since) / 60_000) + INCREMENTAL_MARGIN_MINUTES}m"`;
    const seen: string[] = [];
    const sprints = new Map<number, SnapshotSprint>();
    const pending: Promise<void>[] = [];
    // A failed page is remembered and rethrown here, never left as an unhandled rejection behind the loop.
    let failure: unknown = null;
    const track = (work: Promise<void>) =>
      work.catch((error: unknown) => {
        failure ??= error;
      });
    let token: string | undefined;
    do {
      const page = await api.search(jql, searchFields(site), token);
      for (const raw of page.issues) {
        seen.push(raw.id);
        for (const sprint of sprintsOfIssue(raw, site))
          if (!sprints.has(sprint.id)) sprints.set(sprint.id, sprint);
      }
      pending.push(track(this.#withHistories(tenant, key, page.issues, site)));
      if (pending.length >= (this.#options.pagesInFlight ?? 4)) await pending.shift();
      if (failure) throw failure;
      token = page.nextPageToken ?? undefined;
      if (page.isLast === true) token = undefined;
    } while (token);
    await Promise.all(pending);
    if (failure) throw failure;
    // Sprints of other boards that these issues were in; a board's own list (read first) names its origin.
    await store.saveSprints(
      tenant,
      [...sprints.values()].filter((sprint) => !board || sprint.originBoardId !== board.id),
    );
    if (since === null) await this.#forgetUnseen(tenant, key, seen);
    const commitmentsRecorded = board ? await recordStartedSprints(store, tenant, board, now) : 0;
    return { issues: seen.length, sprints: sprints.size, commitmentsRecorded };
  }

  async #syncBoard(tenant: string, boardId: number) {
    const { api, store } = this.#options;
    const [board, configuration] = await Promise.all([api.board(boardId), api.boardConfiguration(boardId)]);
    const snapshot = {
      id: board.id,
      name: board.name,
      type: board.type,
      projectKey: board.location?.projectKey ?? null,
      filterId: configuration.filter?.id ?? null,
      estimationField:
        configuration.estimation?.type === 'field' ? (configuration.estimation.field?.fieldId ?? null) : null,
      columns: configuration.columnConfig.columns.map((column) => ({
        name: column.name,
        statusIds: column.statuses.map((status) => status.id),
      })),
    };
    await store.saveBoard(tenant, snapshot);
    if (board.type !== 'kanban') {
      // Team-managed ("simple") boards may have sprints switched off: Jira then answers 400.
      const sprints = await api.sprints(boardId).catch((error: unknown) => {
        if (error instanceof ChatOpsError && error.code === 'VALIDATION_FAILED') return [];
        throw error;
      });
      await store.saveSprints(
        tenant,
        sprints.map((sprint) => toSprint(sprint, sprint.originBoardId ?? boardId)),
      );
    }
    return snapshot;
  }

  /** Fetches one search page's changelogs (all pages of them) and stores the issues with their histories. */
  async #withHistories(tenant: string, scope: string, raws: RawIssue[], site: SiteFields): Promise<void> {
    const histories = new Map<string, { created: string; items: RawChangeItem[] }[]>();
    for (let start = 0; start < raws.length; start += CHANGELOG_BATCH) {
      const ids = raws.slice(start, start + CHANGELOG_BATCH).map((raw) => raw.id);
      let token: string | undefined;
      do {
        const page = await this.#options.api.changelogs(ids, changelogFieldIds(site), token);
        for (const log of page.issueChangeLogs) {
          const list = histories.get(log.issueId) ?? [];
          list.push(...log.changeHistories);
          histories.set(log.issueId, list);
        }
        token = page.nextPageToken ?? undefined;
      } while (token);
    }
    const issues: SnapshotIssue[] = raws.map((raw) => ({
      ...toIssue(raw, site),
      changes: toChanges(histories.get(raw.id) ?? [], site),
    }));
    await this.#options.store.saveIssues(tenant, scope, issues);
  }

  /** A full sync knows the scope's whole membership: issues deleted or moved away leave it. */
  async #forgetUnseen(tenant: string, scope: string, seen: string[]): Promise<void> {
    await this.#options.store.forgetScopeIssues(tenant, scope, seen);
  }

  async #waitForOtherSync(tenant: string, scope: string): Promise<void> {
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise((done) => setTimeout(done, ms)));
    for (let waited = 0; waited < LEASE_SECONDS * 1000; waited += 500) {
      const current = await this.#options.state.syncState(tenant, scope);
      if (!current?.leaseUntil || Date.parse(current.leaseUntil) < Date.now()) return;
      await sleep(500);
    }
  }
}
