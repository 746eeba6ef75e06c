import { createHash } from 'node:crypto';
import type { Logger } from '../../core/ports.ts';
import { githubEventKey, runEventOf, signatureValid } from '../../provisioning/github-events.ts';
import { readRawBody } from '../body.ts';
import { sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';

export interface GithubWebhookDependencies {
  secret: string;
  maxBodyBytes: number;
  /** Stores the event once per delivery and hands it to the runs waiting for its key. */
  signal(key: string, payload: unknown, dedupeKey: string): Promise<boolean>;
  log: Logger;
}

/**
 * POST /github/webhook: GitHub's `workflow_run` and `workflow_job` deliveries for the deploy executor.
 * Nothing is read from a delivery whose X-Hub-Signature-256 does not match (401, and nothing happens);
 * a good one is stored as an event (once per X-GitHub-Delivery) and acknowledged at once.
 */
export function githubWebhookRoutes(deps: GithubWebhookDependencies): Route[] {
  const receive = async ({ req, res }: RequestContext) => {
    const body = await readRawBody(req, deps.maxBodyBytes);
    const signature = req.headers['x-hub-signature-256'];
    if (!signatureValid(deps.secret, body, Array.isArray(signature) ? signature[0] : signature)) {
      deps.log.warn('github-webhook-refused', { reason: 'bad signature' });
      sendJson(res, 401, {
        error: { code: 'UNAUTHORIZED', message: 'The X-Hub-Signature-256 signature does not match.' },
      });
      return;
    }
    const event = String(req.headers['x-github-event'] ?? '');
    const delivery =
      String(req.headers['x-github-delivery'] ?? '') || createHash('sha256').update(body).digest('hex');
    if (event === 'ping') {
      sendJson(res, 200, { ok: true });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(res, 400, { error: { code: 'INVALID_JSON', message: 'The delivery is not JSON.' } });
      return;
    }
    const parsed = runEventOf(event, payload);
    if (!parsed) {
      sendJson(res, 202, { ignored: event || 'unknown event' });
      return;
    }
    await deps.signal(githubEventKey(parsed.runId), parsed, `github.${delivery}`);
    sendJson(res, 202, { received: event });
  };
  return [{ method: 'POST', path: '/github/webhook', handler: receive }];
}
