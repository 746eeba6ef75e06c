import { loadConfig } from '../config/load-config.ts';
import { ChatOpsError } from '../core/errors.ts';
import {
  WORKFLOW_RUN_STATUSES,
  type WorkflowRunStatus,
  type WorkflowRunView,
} from '../core/workflow-definition.ts';
import { openDatabase } from '../db/database.ts';
import { summaryOf } from '../http/routes/api-workflows.ts';
import { createRuntime, installedWorkflows } from '../main.ts';
import { WorkflowRegistry } from '../workflows/registry.ts';
import { RunStore } from '../workflows/run-store.ts';
import { StepStore } from '../workflows/step-store.ts';
import { runView } from '../workflows/views.ts';
import { type CliCommand, type CliIo, parseOptions } from './command.ts';
import { loggerFor } from './service-commands.ts';

const USAGE = [
  'chatops workflows list [--status <status>] [--definition <skill.name>] [--limit N] [--tenant T] [--json]',
  'chatops workflows show <run id> [--tenant T] [--json]',
  'chatops workflows cancel <run id> [--by <name>] [--tenant T]',
].join('\n       ');

/** `chatops workflows list|show|cancel`: the runs of durable workflows, as the REST API shows them. */
export const workflowsCommand: CliCommand = {
  name: 'workflows',
  summary: 'List, show or cancel workflow runs (provisioning and other long, multi-step work).',
  usage: USAGE,
  async run(args, env, io) {
    const { positional, options } = parseOptions(args);
    const [action, id] = positional;
    if (!['list', 'show', 'cancel'].includes(action ?? '') || (action !== 'list' && !id)) {
      io.err(`Usage: ${USAGE}`);
      return 2;
    }
    const config = loadConfig(env, 'cli');
    const tenantId = typeof options.tenant === 'string' ? options.tenant : config.tenant.defaultId;
    if (action === 'cancel') {
      // Cancelling queues work for the workers, so it needs the queue (Redis) as well as the database.
      const runtime = await createRuntime(config, loggerFor(config), {
        subscribeLive: false,
        migrate: false,
      });
      try {
        const run = await runtime.workflows.view(id ?? '', tenantId);
        if (!run) throw notFound(id ?? '');
        const by = `cli:${typeof options.by === 'string' ? options.by : 'operator'}`;
        const result = await runtime.workflows.cancel(run.id, by);
        (result.ok ? io.out : io.err)(result.message);
        return result.ok ? 0 : 1;
      } finally {
        await runtime.close();
      }
    }
    const database = await openDatabase(config.database);
    try {
      const registry = new WorkflowRegistry(installedWorkflows());
      const runs = new RunStore(database);
      const steps = new StepStore(database);
      if (action === 'show') {
        const run = await runs.get(id ?? '');
        if (!run || run.tenantId !== tenantId) throw notFound(id ?? '');
        const view = runView(run, await steps.ofRun(run.id), registry);
        if (options.json === true) io.out(JSON.stringify(view, null, 2));
        else printRun(view, io);
        return 0;
      }
      const status = typeof options.status === 'string' ? options.status : undefined;
      if (status && !(WORKFLOW_RUN_STATUSES as readonly string[]).includes(status)) {
        throw new ChatOpsError('VALIDATION_FAILED', `"${status}" is not a run status.`, {
          remedy: `Use one of: ${WORKFLOW_RUN_STATUSES.join(', ')}.`,
        });
      }
      const limit = typeof options.limit === 'string' ? Number(options.limit) : 50;
      const rows = await runs.list(tenantId, {
        ...(typeof options.definition === 'string' ? { definition: options.definition } : {}),
        ...(status ? { status: status as WorkflowRunStatus } : {}),
        limit: Number.isFinite(limit) ? limit : 50,
      });
      const views = await Promise.all(
        rows.map(async (run) => runView(run, await steps.ofRun(run.id), registry)),
      );
      if (options.json === true) {
        io.out(JSON.stringify({ runs: views.map(summaryOf) }, null, 2));
        return 0;
      }
      if (views.length === 0) io.out('No workflow runs.');
      for (const view of views) {
        const current = summaryOf(view).current;
        io.out(
          [
            view.id,
            view.status,
            view.definition,
            view.title,
            view.createdAt,
            current ? `at ${current.label}` : '',
          ]
            .filter(Boolean)
            .join('\t'),
        );
      }
      return 0;
    } finally {
      await database.close();
    }
  },
};

function printRun(view: WorkflowRunView, io: CliIo): void {
  io.out(`${view.title}  (${view.definition}, run ${view.id})`);
  io.out(`status ${view.status} · phase ${view.phase} · requested by ${view.requestedBy} in ${view.channel}`);
  io.out(`started ${view.createdAt}${view.finishedAt ? ` · ended ${view.finishedAt}` : ''}`);
  if (view.error)
    io.out(`error: ${view.error.message}${view.error.step ? ` (step ${view.error.step})` : ''}`);
  for (const step of view.steps) {
    const attempts = step.maxAttempts > 1 ? ` attempt ${step.attempts}/${step.maxAttempts}` : '';
    const detail = step.detail ? ` — ${step.detail}` : '';
    const error = step.error ? ` — ${step.error.message}` : '';
    io.out(
      `  ${step.status.padEnd(9)} ${step.phase === 'forward' ? '' : `[${step.phase}] `}${step.label}${attempts}${detail}${error}`,
    );
  }
}

function notFound(id: string): ChatOpsError {
  return new ChatOpsError('NOT_FOUND', `There is no workflow run ${id.slice(0, 80)} here.`, {
    remedy: 'List runs with `chatops workflows list` (add --tenant for another tenant).',
  });
}
