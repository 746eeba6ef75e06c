import { sendJson } from '../respond.ts';
import type { Route } from '../route-table.ts';

export interface HealthCheck {
  name: string;
  /** Resolves with optional details when healthy; throws when not. */
  run(): Promise<Record<string, unknown> | undefined>;
}

export interface CheckResult {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
  [detail: string]: unknown;
}

/**
 * GET /health: every dependency checked in parallel with a timeout; 200 when all are up, 503 otherwise,
 * so a load balancer or Kubernetes probe takes an unhealthy replica out.
 */
export function healthRoutes(version: string, checks: HealthCheck[], timeoutMs = 2_000): Route[] {
  return [
    {
      method: 'GET',
      path: '/health',
      handler: async ({ res }) => {
        const results = await runChecks(checks, timeoutMs);
        const healthy = Object.values(results).every((result) => result.status === 'up');
        sendJson(res, healthy ? 200 : 503, {
          status: healthy ? 'ok' : 'unavailable',
          version,
          checks: results,
        });
      },
    },
  ];
}

export async function runChecks(
  checks: HealthCheck[],
  timeoutMs: number,
): Promise<Record<string, CheckResult>> {
  const entries = await Promise.all(
    checks.map(async (check): Promise<[string, CheckResult]> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        });
        const details = (await Promise.race([check.run(), timeout])) ?? {};
        return [check.name, { status: 'up', latencyMs: elapsed(started), ...details }];
      } catch (error) {
        return [check.name, { status: 'down', latencyMs: elapsed(started), error: (error as Error).message }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
