import { Octokit } from '@octokit/rest';
import type {
  DeploymentExecutor,
  ExecutionRef,
  ExecutionRequest,
  ExecutionStatus,
  ValidationCheck,
} from '../core/deployments.ts';
import { ChatOpsError } from '../core/errors.ts';
import { githubEventKey } from './github-events.ts';

export interface GithubExecutorSettings {
  apiUrl: string;
  token: string | undefined;
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  /** How long `find` keeps looking for a dispatched run GitHub has not listed yet. */
  findWaitMs?: number;
}

/** Steps named `Check: …` in the workflow's jobs are the validation checks (see manifests/github). */
const CHECK_STEP = /^check:\s*/i;

/**
 * The GitHub Actions executor: `workflow_dispatch` of the deploy workflow with the plan as inputs and a
 * correlation id in the inputs and in the run's name (`run-name`), so a crashed dispatch is found again
 * instead of repeated. Runs are followed by webhooks (github-webhook.ts) with polling as the fallback.
 */
export class GithubActionsExecutor implements DeploymentExecutor {
  readonly kind = 'github-actions' as const;
  readonly #settings: GithubExecutorSettings;
  readonly #octokit: Octokit;

  constructor(settings: GithubExecutorSettings) {
    this.#settings = settings;
    this.#octokit = new Octokit({
      baseUrl: settings.apiUrl.replace(/\/$/, ''),
      ...(settings.token ? { auth: settings.token } : {}),
      userAgent: 'chatops-provisioning',
      request: { retries: 0 },
    });
  }

  async prepare(): Promise<null> {
    // The workflow plans in its own run, from the approved variables and the plan hash it is given.
    return null;
  }

  async start(request: ExecutionRequest, progress: (line: string) => Promise<void>): Promise<ExecutionRef> {
    const { owner, repo, workflow, ref } = this.#settings;
    const response = await call('dispatching the deploy workflow', () =>
      this.#octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner,
        repo,
        workflow_id: workflow,
        ref,
        inputs: inputsOf(request),
        return_run_details: true,
      }),
    );
    const details = response.status === 200 ? (response.data as unknown as DispatchDetails) : null;
    if (details?.workflow_run_id) {
      await progress(`dispatched ${workflow} (run ${details.workflow_run_id})`);
      return this.#ref(request.correlationId, details.workflow_run_id, details.html_url);
    }
    // An older GitHub answers 204 without the run: find it by the correlation id in its name.
    const found = await this.find(request.correlationId, request.action);
    if (!found) {
      throw new ChatOpsError(
        'DEPENDENCY_UNAVAILABLE',
        'GitHub accepted the dispatch but the run did not appear.',
        {
          remedy:
            'Check that the workflow’s run-name contains inputs.correlation_id (see manifests/github/deploy-cluster.yml).',
        },
      );
    }
    await progress(`dispatched ${workflow} (run ${found.id})`);
    return found;
  }

  async find(correlationId: string, _action: 'apply' | 'destroy'): Promise<ExecutionRef | undefined> {
    const { owner, repo, workflow, ref } = this.#settings;
    const deadline = Date.now() + (this.#settings.findWaitMs ?? 30_000);
    for (let attempt = 0; ; attempt += 1) {
      const runs = await call('looking for the deploy run', () =>
        this.#octokit.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
          owner,
          repo,
          workflow_id: workflow,
          event: 'workflow_dispatch',
          branch: ref,
          per_page: 50,
        }),
      );
      const run = runs.data.workflow_runs.find(
        (candidate) =>
          candidate.display_title?.includes(correlationId) || candidate.name?.includes(correlationId),
      );
      if (run) return this.#ref(correlationId, Number(run.id), run.html_url);
      // A run GitHub has not listed yet may still appear: look again for a while before saying it never started.
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 500 * 2 ** attempt)));
    }
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    const { owner, repo } = this.#settings;
    const run_id = Number(ref.id);
    const [run, jobs] = await Promise.all([
      call('reading the deploy run', () =>
        this.#octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner, repo, run_id }),
      ),
      call('reading the deploy run’s jobs', () =>
        this.#octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
          owner,
          repo,
          run_id,
        }),
      ),
    ]);
    const state =
      run.data.status === 'completed' ? 'completed' : run.data.status === 'queued' ? 'queued' : 'in_progress';
    const conclusion = run.data.conclusion;
    return {
      state,
      conclusion:
        state !== 'completed'
          ? null
          : conclusion === 'success'
            ? 'success'
            : conclusion === 'cancelled'
              ? 'cancelled'
              : 'failure',
      url: run.data.html_url,
      jobs: jobs.data.jobs.map((job) => ({ name: job.name, status: job.status, conclusion: job.conclusion })),
    };
  }

  async checks(ref: ExecutionRef): Promise<ValidationCheck[]> {
    const jobs = await this.#jobs(ref);
    return jobs.flatMap((job) =>
      (job.steps ?? [])
        .filter((step) => CHECK_STEP.test(step.name))
        .map((step) => ({
          name: step.name.replace(CHECK_STEP, ''),
          ok: step.conclusion === 'success',
          detail: `${job.name}: ${step.conclusion ?? step.status}`,
        })),
    );
  }

  async logExcerpt(ref: ExecutionRef): Promise<string> {
    const jobs = await this.#jobs(ref);
    const failed = jobs.find((job) => job.conclusion === 'failure') ?? jobs.at(-1);
    if (!failed) return 'No job ran.';
    const step = failed.steps?.find((candidate) => candidate.conclusion === 'failure');
    const { owner, repo } = this.#settings;
    try {
      const logs = await this.#octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
        owner,
        repo,
        job_id: failed.id,
      });
      const text = typeof logs.data === 'string' ? logs.data : String(logs.data ?? '');
      return `${failed.name}${step ? ` › ${step.name}` : ''}:\n${text.trimEnd().split('\n').slice(-20).join('\n')}`;
    } catch {
      return `${failed.name}${step ? ` › ${step.name}` : ''} failed (its log could not be read; see the run).`;
    }
  }

  eventKey(ref: ExecutionRef): string {
    return githubEventKey(ref.id);
  }

  async #jobs(ref: ExecutionRef) {
    const { owner, repo } = this.#settings;
    const response = await call('reading the deploy run’s jobs', () =>
      this.#octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
        owner,
        repo,
        run_id: Number(ref.id),
      }),
    );
    return response.data.jobs;
  }

  #ref(correlationId: string, runId: number, url: string | null): ExecutionRef {
    return { executor: 'github-actions', correlationId, id: String(runId), url };
  }
}

interface DispatchDetails {
  workflow_run_id: number;
  run_url: string;
  html_url: string;
}

/**
 * The workflow's inputs (strings, at most 25): the correlation id, what to do, the cluster and the exact
 * approved variables, and the hash the approval is bound to (the workflow refuses to run without it).
 */
export function inputsOf(request: ExecutionRequest): Record<string, string> {
  return {
    correlation_id: request.correlationId,
    action: request.action,
    cluster_name: request.cluster.name,
    platform: request.cluster.platform,
    environment: request.cluster.environment,
    region: request.cluster.region,
    plan_hash: request.planHash,
    variables: JSON.stringify(request.variables),
  };
}

async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const status = (error as { status?: number }).status;
    const retryable = status === undefined || status >= 500 || status === 429;
    throw new ChatOpsError(
      retryable ? 'DEPENDENCY_UNAVAILABLE' : 'SKILL_FAILED',
      `GitHub failed ${what}${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message.slice(0, 300)}`,
      {
        remedy: retryable
          ? 'It is retried; check GITHUB_API_URL and GitHub’s status if it goes on.'
          : 'Check GITHUB_TOKEN (it needs actions: write on DEPLOY_GITHUB_REPO), DEPLOY_GITHUB_WORKFLOW and DEPLOY_GITHUB_REF.',
        retryable,
        cause: error,
      },
    );
  }
}
