import { describe, expect, it } from 'vitest';
import { buildDeploymentsDigest } from '../../skills/provisioning/digest.ts';
import type {
  ClusterRecord,
  DeploymentReport,
  DeploymentRun,
  DigestContext,
  EnvironmentLock,
} from '../../src/core/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';

// The deployments digest on a fixed report: which runs count as started, succeeded, failed or rolled back
// in the period, which clusters are about to expire, the locks held, and the quiet period.
const START = new Date('2026-12-07T08:00:00Z');
const END = new Date('2026-12-08T08:00:00Z');

function run(
  id: string,
  status: string,
  createdAt: string,
  finishedAt: string | null,
  extra: Partial<DeploymentRun> = {},
): DeploymentRun {
  return {
    id: `0193a000-0000-7000-8000-00000000${id}`,
    definition: 'provisioning.deploy',
    title: `Deploy cluster ${id}`,
    status,
    requestedBy: 'alice',
    createdAt,
    finishedAt,
    error: null,
    url: null,
    ...extra,
  };
}

function cluster(name: string, status: ClusterRecord['status'], expiresAt: string | null): ClusterRecord {
  return {
    id: `0193a000-0000-7000-8000-0000${name.padStart(8, '0')}`,
    name,
    platform: 'k3s',
    environment: 'staging',
    size: 'small',
    region: 'eu-west-1',
    nodes: 1,
    status,
    planHash: 'h',
    requestedBy: 'alice',
    runUrl: null,
    expiresAt,
    createdAt: '2026-12-01T08:00:00.000Z',
    updatedAt: '2026-12-01T08:00:00.000Z',
  };
}

const LOCK: EnvironmentLock = {
  environment: 'prod',
  holderKey: 'api:bob',
  holderName: 'bob',
  runId: null,
  reason: 'release freeze',
  channel: 'ops',
  thread: 't',
  expiresAt: '2026-12-08T17:00:00.000Z',
  createdAt: '2026-12-08T07:00:00.000Z',
};

function context(report: DeploymentReport) {
  const asked: { start: Date; end: Date }[] = [];
  const ctx: DigestContext = {
    tenantId: 'acme',
    platform: 'slack',
    channel: 'C0OPS000001',
    createdBy: 'U0ALICE0001',
    period: { start: START, end: END, timeZone: 'Europe/Berlin' },
    options: {},
    sources: {
      deployments: {
        activity: async (period) => {
          asked.push(period);
          return report;
        },
      },
    },
    log: silentLogger,
  };
  return { ctx, asked };
}

describe('deployments digest', () => {
  it('counts runs by how they ended in the period, lists them, the clusters about to expire and the locks', async () => {
    const report: DeploymentReport = {
      runs: [
        run('0004', 'running', '2026-12-08T07:30:00.000Z', null),
        run('0003', 'compensated', '2026-12-07T12:00:00.000Z', '2026-12-07T12:40:00.000Z', {
          error: 'validation failed: nodes not ready',
        }),
        run('0002', 'failed', '2026-12-07T10:00:00.000Z', '2026-12-07T10:20:00.000Z', {
          error: 'quota exceeded',
        }),
        // Started before the period, finished in it: counted as succeeded, not as started.
        run('0001', 'succeeded', '2026-12-07T07:50:00.000Z', '2026-12-07T08:30:00.000Z', {
          url: 'https://github.com/acme/infra/actions/runs/42',
        }),
      ],
      clusters: [
        cluster('soon', 'active', '2026-12-08T20:00:00.000Z'),
        cluster('later', 'active', '2026-12-20T08:00:00.000Z'),
        cluster('gone', 'destroyed', '2026-12-08T09:00:00.000Z'),
      ],
      locks: [LOCK],
    };
    const { ctx, asked } = context(report);
    const digest = await buildDeploymentsDigest(ctx);
    expect(asked).toEqual([{ start: START, end: END }]);
    expect(digest.quiet).toBe(false);
    expect(digest.figures).toEqual({
      started: 3,
      succeeded: 1,
      failed: 1,
      rolledBack: 1,
      cancelled: 0,
      expiringSoon: 1,
      locksHeld: 1,
    });
    expect(digest.headline).toBe(
      'Provisioning runs: 3 started, 1 succeeded, 1 failed, 1 rolled back; 1 cluster expires within 24 h. Locked: prod (bob, until Tue 8 Dec 18:00).',
    );
    const tables = digest.blocks.filter((block) => block.type === 'table');
    expect(tables.map((table) => table.type === 'table' && table.columns[0])).toEqual([
      'Run',
      'Cluster',
      'Locked environment',
    ]);
    const runs = tables[0]?.type === 'table' ? tables[0].rows : [];
    expect(runs.map((row) => [row[0], row[1], row[2], row[4], row[5]])).toEqual([
      ['Deploy cluster 0004', 'running', 'alice', '00000004', '—'],
      ['Deploy cluster 0003', 'rolled back: validation failed: nodes not ready', 'alice', '00000003', '—'],
      ['Deploy cluster 0002', 'failed: quota exceeded', 'alice', '00000002', '—'],
      [
        'Deploy cluster 0001',
        'succeeded',
        'alice',
        '00000001',
        'https://github.com/acme/infra/actions/runs/42',
      ],
    ]);
    expect(tables[1]?.type === 'table' && tables[1].rows.map((row) => row[0])).toEqual(['soon (k3s, small)']);
    expect(tables[2]?.type === 'table' && tables[2].rows).toEqual([
      ['prod', 'bob', 'release freeze', 'Tue 8 Dec 18:00'],
    ]);
  });

  it('is quiet without runs or expiring clusters; a lock held is named in its one line', async () => {
    const quiet = await buildDeploymentsDigest(context({ runs: [], clusters: [], locks: [] }).ctx);
    expect(quiet).toMatchObject({
      quiet: true,
      blocks: [],
      headline: 'No deployments since the last digest.',
    });
    expect(quiet.figures).toMatchObject({ started: 0, locksHeld: 0 });
    const locked = await buildDeploymentsDigest(
      context({ runs: [], clusters: [cluster('later', 'active', '2026-12-20T08:00:00.000Z')], locks: [LOCK] })
        .ctx,
    );
    expect(locked).toMatchObject({
      quiet: true,
      headline: 'No deployments since the last digest. Locked: prod (bob, until Tue 8 Dec 18:00).',
    });
    expect(locked.figures).toMatchObject({ locksHeld: 1, expiringSoon: 0 });
  });
});
