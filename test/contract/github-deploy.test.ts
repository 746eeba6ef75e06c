import { createHmac } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRequest } from '../../src/core/deployments.ts';
import { RouteTable } from '../../src/http/route-table.ts';
import { githubWebhookRoutes } from '../../src/http/routes/github-webhook.ts';
import { closeServer, createGatewayServer, listen } from '../../src/http/server.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { GithubActionsExecutor } from '../../src/provisioning/github-executor.ts';
import { jobs, workflowJobEvent, workflowRun, workflowRunEvent } from '../fixtures/github/deploy-events.ts';
import { contractNock, validateSpecSchema } from '../support/contract/index.ts';

// The GitHub Actions executor against GitHub's REST description: every request it sends is checked
// (method, path, query, body) and every reply fixture is checked against the documented response; webhook
// fixtures are checked against the description's x-webhooks schemas, and a forged signature gets 401.
const API = 'https://api.github.com';
const RUN = 30433642;
const correlationId = '01a24db2-4d37-722f-bea8-263c5e16cc77-apply';
const request: ExecutionRequest = {
  correlationId,
  action: 'apply',
  runId: '01a24db2-4d37-722f-bea8-263c5e16cc77',
  cluster: { name: 'demo', platform: 'eks', environment: 'prod', region: 'eu-central-1' },
  files: { 'main.tf': 'terraform {}' },
  variables: { cluster_name: 'demo', node_count: 3 },
  planHash: 'a'.repeat(64),
};
const executor = () =>
  new GithubActionsExecutor({
    apiUrl: API,
    token: 'ghp_test_token_not_real_000000000000',
    owner: 'acme',
    repo: 'infrastructure',
    workflow: 'deploy-cluster.yml',
    ref: 'main',
    findWaitMs: 0,
  });

describe('GitHub Actions executor (contract)', () => {
  afterEach(() => {
    nock.cleanAll();
  });

  it('dispatches once with the plan as inputs and reads the run details GitHub returns', async () => {
    let body: Record<string, unknown> = {};
    contractNock('github', API)
      .post('/repos/acme/infrastructure/actions/workflows/deploy-cluster.yml/dispatches', (sent) => {
        body = sent as Record<string, unknown>;
        return true;
      })
      .reply(200, {
        workflow_run_id: RUN,
        run_url: `${API}/repos/acme/infrastructure/actions/runs/${RUN}`,
        html_url: `https://github.com/acme/infrastructure/actions/runs/${RUN}`,
      });
    const lines: string[] = [];
    const ref = await executor().start(request, async (line) => {
      lines.push(line);
    });
    expect(ref).toEqual({
      executor: 'github-actions',
      correlationId,
      id: String(RUN),
      url: `https://github.com/acme/infrastructure/actions/runs/${RUN}`,
    });
    expect(body).toEqual({
      ref: 'main',
      return_run_details: true,
      inputs: {
        correlation_id: correlationId,
        action: 'apply',
        cluster_name: 'demo',
        platform: 'eks',
        environment: 'prod',
        region: 'eu-central-1',
        plan_hash: 'a'.repeat(64),
        variables: '{"cluster_name":"demo","node_count":3}',
      },
    });
    expect(lines).toEqual([`dispatched deploy-cluster.yml (run ${RUN})`]);
  });

  it('finds a run by its correlation id (a 204 dispatch, or a resumed one) instead of dispatching again', async () => {
    contractNock('github', API)
      .get('/repos/acme/infrastructure/actions/workflows/deploy-cluster.yml/runs')
      .query({ event: 'workflow_dispatch', branch: 'main', per_page: '50' })
      .reply(200, {
        total_count: 2,
        workflow_runs: [
          workflowRun({
            id: RUN - 1,
            correlationId: 'someone-else-apply',
            status: 'completed',
            conclusion: 'success',
          }),
          workflowRun({ id: RUN, correlationId, status: 'in_progress', conclusion: null }),
        ],
      });
    expect(await executor().find(correlationId, 'apply')).toMatchObject({ id: String(RUN) });
  });

  it('follows the run and its jobs, reads the Check steps, and the failing job’s log', async () => {
    contractNock('github', API)
      .get(`/repos/acme/infrastructure/actions/runs/${RUN}`)
      .reply(200, workflowRun({ id: RUN, correlationId, status: 'completed', conclusion: 'failure' }))
      .get(`/repos/acme/infrastructure/actions/runs/${RUN}/jobs`)
      .times(3)
      .reply(200, jobs(RUN, 'failure'))
      .get(`/repos/acme/infrastructure/actions/jobs/${RUN * 10}/logs`)
      .reply(302, undefined, {
        Location: 'https://pipelines.actions.githubusercontent.com/logs/provision.txt',
      });
    nock('https://pipelines.actions.githubusercontent.com')
      .get('/logs/provision.txt')
      .reply(200, 'Run terraform apply\nError: InvalidParameterException: subnets are not in the same VPC\n');
    const ref = { executor: 'github-actions' as const, correlationId, id: String(RUN), url: null };
    const github = executor();
    expect(await github.status(ref)).toMatchObject({
      state: 'completed',
      conclusion: 'failure',
      jobs: [{ name: 'provision' }],
    });
    expect(await github.checks(ref)).toEqual([
      { name: 'nodes ready', ok: false, detail: 'provision: skipped' },
      { name: 'monitoring endpoints up', ok: false, detail: 'provision: skipped' },
    ]);
    expect(await github.logExcerpt(ref)).toContain(
      'provision › Terraform apply:\nRun terraform apply\nError: InvalidParameterException',
    );
  });
});

describe('GitHub webhooks for deploys (contract)', () => {
  const secret = 'webhook-secret-for-tests-0001';
  const signals: { key: string; payload: unknown; dedupeKey: string }[] = [];
  let server: ReturnType<typeof createGatewayServer>;
  let url = '';

  beforeAll(async () => {
    const table = new RouteTable().add(
      ...githubWebhookRoutes({
        secret,
        maxBodyBytes: 1_000_000,
        signal: async (key, payload, dedupeKey) => {
          signals.push({ key, payload, dedupeKey });
          return true;
        },
        log: silentLogger,
      }),
    );
    server = createGatewayServer(table, silentLogger);
    url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/github/webhook`;
  });
  afterAll(async () => {
    await closeServer(server);
  });

  const run = workflowRun({ id: RUN, correlationId, status: 'completed', conclusion: 'success' });
  const fixtures = {
    'webhook-workflow-run-completed': workflowRunEvent('completed', run),
    'webhook-workflow-job-in-progress': workflowJobEvent('in_progress', RUN, 'in_progress', null),
    'webhook-workflow-job-completed': workflowJobEvent('completed', RUN, 'completed', 'success'),
  };

  it.each(Object.entries(fixtures))('uses a %s fixture the description accepts', async (schema, fixture) => {
    expect(await validateSpecSchema('github', schema, fixture)).toEqual([]);
  });

  const post = (event: string, body: string, signature: string, delivery: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-hub-signature-256': signature,
        'x-github-delivery': delivery,
      },
      body,
    });
  const sign = (body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('stores a signed delivery as an event for the run, once per delivery id', async () => {
    const body = JSON.stringify(fixtures['webhook-workflow-run-completed']);
    expect((await post('workflow_run', body, sign(body), 'delivery-1')).status).toBe(202);
    const job = JSON.stringify(fixtures['webhook-workflow-job-in-progress']);
    expect((await post('workflow_job', job, sign(job), 'delivery-2')).status).toBe(202);
    expect(signals).toEqual([
      {
        key: `github-run:${RUN}`,
        dedupeKey: 'github.delivery-1',
        payload: {
          event: 'workflow_run',
          action: 'completed',
          runId: RUN,
          status: 'completed',
          conclusion: 'success',
          url: `https://github.com/acme/infrastructure/actions/runs/${RUN}`,
          name: `deploy demo ${correlationId}`,
        },
      },
      expect.objectContaining({
        key: `github-run:${RUN}`,
        dedupeKey: 'github.delivery-2',
        payload: expect.objectContaining({ event: 'workflow_job', name: 'provision', status: 'in_progress' }),
      }),
    ]);
  });

  it('answers a forged or missing signature with 401 and does nothing', async () => {
    const before = signals.length;
    const body = JSON.stringify(fixtures['webhook-workflow-run-completed']);
    const forged = `sha256=${createHmac('sha256', 'not-the-secret-at-all').update(body).digest('hex')}`;
    expect((await post('workflow_run', body, forged, 'delivery-3')).status).toBe(401);
    expect((await post('workflow_run', body, '', 'delivery-4')).status).toBe(401);
    expect((await post('workflow_run', `${body} `, sign(body), 'delivery-5')).status).toBe(401);
    expect(signals.length).toBe(before);
  });
});
