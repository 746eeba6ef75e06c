import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * GitHub webhook deliveries for the deploy executor: the signature check (HMAC-SHA256 of the exact body
 * with GITHUB_WEBHOOK_SECRET, compared in constant time) and the normalised event a waiting deploy reads,
 * signalled under its run's key.
 */
export function githubEventKey(runId: string | number): string {
  return `github-run:${runId}`;
}

export function signatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What a deploy's follow step reads from `workflow_run` and `workflow_job` deliveries. */
export interface GithubRunEvent {
  event: 'workflow_run' | 'workflow_job';
  action: string;
  runId: number;
  status: string;
  conclusion: string | null;
  url: string | null;
  /** The job's name (workflow_job), or the run's title (workflow_run). */
  name: string;
}

export function runEventOf(event: string, payload: unknown): GithubRunEvent | null {
  const body = payload as Record<string, Record<string, unknown> | string | undefined>;
  if (event === 'workflow_run' && typeof body.workflow_run === 'object') {
    const run = body.workflow_run as Record<string, unknown>;
    return {
      event,
      action: String(body.action ?? ''),
      runId: Number(run.id),
      status: String(run.status ?? ''),
      conclusion: (run.conclusion as string | null) ?? null,
      url: (run.html_url as string | null) ?? null,
      name: String(run.display_title ?? run.name ?? ''),
    };
  }
  if (event === 'workflow_job' && typeof body.workflow_job === 'object') {
    const job = body.workflow_job as Record<string, unknown>;
    return {
      event,
      action: String(body.action ?? ''),
      runId: Number(job.run_id),
      status: String(job.status ?? ''),
      conclusion: (job.conclusion as string | null) ?? null,
      url: (job.html_url as string | null) ?? null,
      name: String(job.name ?? ''),
    };
  }
  return null;
}
