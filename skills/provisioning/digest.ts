import {
  type DeploymentRun,
  type DigestContent,
  type DigestContext,
  type DigestKindDefinition,
  formatDuration,
  formatLocalTime,
  type ReplyBlock,
} from '../../src/core/index.ts';

/** A cluster whose TTL ends within a day, or before the next digest (one period on, at most a week), is called out. */
const SOON_MS = 24 * 3_600_000;
const AT_MOST_MS = 7 * SOON_MS;
/** Cluster states that still cost money and that an expiry will destroy. */
const LIVE = ['provisioning', 'active'];

const STATUS_LABELS: Record<string, string> = {
  compensating: 'rolling back',
  compensated: 'rolled back',
  compensation_failed: 'rollback failed',
};

/**
 * The deployments digest: provisioning runs (deploys, destroys, expiries) started or finished in the
 * period and how they ended, clusters whose TTL runs out before the next digest (24 h to 7 days), and the
 * environment locks held now. A period without runs and without a cluster about to expire is quiet: locks
 * held are standing state, not news, so they are named in the quiet period's one line (`quiet=line`)
 * rather than making every digest post.
 */
export const deploymentsDigest: DigestKindDefinition = {
  kind: 'deployments',
  description:
    'Cluster deploys and destroys started, succeeded, failed or rolled back; clusters about to expire; environment locks held.',
  requires: ['deployments'],
  build: buildDeploymentsDigest,
};

export async function buildDeploymentsDigest(ctx: DigestContext): Promise<DigestContent> {
  const source = ctx.sources.deployments;
  if (!source) throw new Error('the deployments digest needs the deployments source');
  const { start, end, timeZone } = ctx.period;
  const report = await source.activity({ start, end });
  const within = (iso: string | null) =>
    iso !== null && Date.parse(iso) > start.getTime() && Date.parse(iso) <= end.getTime();
  const finished = report.runs.filter((run) => within(run.finishedAt));
  const ended = (...statuses: string[]) => finished.filter((run) => statuses.includes(run.status)).length;
  const window = Math.max(SOON_MS, Math.min(AT_MOST_MS, end.getTime() - start.getTime()));
  const expiring = report.clusters
    .filter(
      (cluster) =>
        LIVE.includes(cluster.status) &&
        cluster.expiresAt !== null &&
        Date.parse(cluster.expiresAt) <= end.getTime() + window,
    )
    .sort((left, right) => Date.parse(left.expiresAt ?? '') - Date.parse(right.expiresAt ?? ''));
  const figures = {
    started: report.runs.filter((run) => within(run.createdAt)).length,
    succeeded: ended('succeeded'),
    failed: ended('failed', 'compensation_failed'),
    rolledBack: ended('compensated'),
    cancelled: ended('cancelled'),
    expiringSoon: expiring.length,
    locksHeld: report.locks.length,
  };
  const locks = report.locks.map(
    (lock) =>
      `${lock.environment} (${lock.holderName}${lock.expiresAt ? `, until ${formatLocalTime(new Date(lock.expiresAt), timeZone)}` : ''})`,
  );
  const lockNote = locks.length > 0 ? ` Locked: ${locks.join(', ')}.` : '';
  if (report.runs.length === 0 && expiring.length === 0) {
    return { headline: `No deployments since the last digest.${lockNote}`, quiet: true, blocks: [], figures };
  }
  const outcomes = [
    figures.started ? `${figures.started} started` : '',
    figures.succeeded ? `${figures.succeeded} succeeded` : '',
    figures.failed ? `${figures.failed} failed` : '',
    figures.rolledBack ? `${figures.rolledBack} rolled back` : '',
    figures.cancelled ? `${figures.cancelled} cancelled` : '',
  ].filter(Boolean);
  const parts = [
    outcomes.length > 0 ? `provisioning runs: ${outcomes.join(', ')}` : '',
    expiring.length > 0
      ? `${count(expiring.length, 'cluster')} ${expiring.length === 1 ? 'expires' : 'expire'} within ${formatDuration(window)}`
      : '',
  ].filter(Boolean);
  const blocks: ReplyBlock[] = [];
  if (report.runs.length > 0) {
    blocks.push({
      type: 'table',
      columns: ['Run', 'Status', 'Requested by', 'Started', 'Id', 'Pipeline'],
      rows: report.runs.map((run) => [
        run.title.slice(0, 200),
        statusOf(run),
        run.requestedBy,
        formatLocalTime(new Date(run.createdAt), timeZone),
        run.id.slice(-8),
        run.url ?? '—',
      ]),
    });
  }
  if (expiring.length > 0) {
    blocks.push({
      type: 'table',
      columns: ['Cluster', 'Environment', 'Expires', 'Id'],
      rows: expiring.map((cluster) => [
        `${cluster.name} (${cluster.platform}, ${cluster.size})`,
        cluster.environment,
        formatLocalTime(new Date(cluster.expiresAt ?? ''), timeZone),
        cluster.id.slice(-8),
      ]),
    });
  }
  if (report.locks.length > 0) {
    blocks.push({
      type: 'table',
      columns: ['Locked environment', 'Held by', 'Reason', 'Until'],
      rows: report.locks.map((lock) => [
        lock.environment,
        lock.holderName,
        lock.reason.slice(0, 200) || '—',
        lock.expiresAt ? formatLocalTime(new Date(lock.expiresAt), timeZone) : 'until unlocked',
      ]),
    });
  }
  blocks.push({
    type: 'context',
    text: 'Runs started or finished in the period. `/deploy-cluster status <id>` shows a deploy’s cluster and its run; `/deploy-cluster locks` the locks.',
  });
  const headline = `${capitalise(parts.join('; '))}.${lockNote}`;
  return { headline, quiet: false, blocks, figures };
}

function statusOf(run: DeploymentRun): string {
  const label = STATUS_LABELS[run.status] ?? run.status;
  return run.error && run.status !== 'succeeded' ? `${label}: ${run.error.slice(0, 120)}` : label;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
