import { z } from 'zod';
import { ChatOpsError } from '../../core/errors.ts';
import {
  WORKFLOW_RUN_STATUSES,
  type WorkflowRunStatus,
  type WorkflowRunView,
} from '../../core/workflow-definition.ts';
import type { WorkflowActionResult } from '../../core/workflows.ts';
import { actingIdentity } from '../api-identity.ts';
import { parseBody } from '../api-schemas.ts';
import { readJsonBody } from '../body.ts';
import { sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit } from './api-dependencies.ts';

/** What the REST API reads and does with workflow runs (the engine, bound to nothing). */
export interface WorkflowsConsole {
  list(
    tenantId: string,
    filter: { definition?: string; status?: WorkflowRunStatus; limit?: number; before?: string },
  ): Promise<WorkflowRunView[]>;
  view(id: string, tenantId: string): Promise<WorkflowRunView | null>;
  cancel(id: string, by: string): Promise<WorkflowActionResult>;
}

const ListQuery = z.strictObject({
  definition: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, 'a workflow id such as provisioning.deploy')
    .optional(),
  status: z.enum(WORKFLOW_RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.uuid().optional(),
});

const CancelBody = z.strictObject({
  /**
   * Who asks (recorded on the run): the key itself (or its person) when left out; naming someone else needs
   * the key's `act-as` scope, as everywhere in the API (api-identity.ts).
   */
  user: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,79}$/, 'use 1-80 letters, digits, ".", "_", "@" or "-"')
    .optional(),
});

/**
 * Workflow runs over REST: `GET /api/v1/workflows` (newest first; `definition`, `status`, `limit`, `before`
 * to page), `GET /api/v1/workflows/{id}` (every step with its input, output, error, attempts and times) and
 * `POST /api/v1/workflows/{id}/cancel`. An API key acts for its whole tenant, as an operator.
 */
export function workflowRoutes(deps: ApiDependencies, console: WorkflowsConsole): Route[] {
  const list = async ({ req, res, url }: RequestContext) => {
    const parsed = ListQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      throw new ChatOpsError('VALIDATION_FAILED', 'The workflow listing query is invalid.', {
        remedy: 'Use ?definition=<skill.name>&status=<status>&limit=<1-500>&before=<run id>, all optional.',
        details: {
          fields: parsed.error.issues.map((issue) => ({
            field: issue.path.join('.') || 'query',
            message: issue.message,
          })),
        },
      });
    }
    const { principal, headers } = await admit(deps, req, null);
    const runs = await console.list(principal.tenantId, parsed.data);
    const next = runs.length === (parsed.data.limit ?? 50) ? runs.at(-1)?.id : undefined;
    sendJson(res, 200, { runs: runs.map(summaryOf), ...(next ? { next } : {}) }, headers);
  };

  const one = async ({ req, res, params }: RequestContext) => {
    const { principal, headers } = await admit(deps, req, null);
    sendJson(res, 200, await found(console, params.id ?? '', principal.tenantId), headers);
  };

  const cancel = async ({ req, res, params }: RequestContext) => {
    // The body is optional: a bare POST cancels as the API key.
    const empty = !req.headers['content-type'] && (req.headers['content-length'] ?? '0') === '0';
    const body = parseBody(CancelBody, empty ? {} : ((await readJsonBody(req, deps.maxBodyBytes)) ?? {}));
    const { principal, headers } = await admit(deps, req, body.user ?? null);
    const run = await found(console, params.id ?? '', principal.tenantId);
    // In `chatops dev` (no keys) a bare POST is the local operator's.
    const who = principal.key || body.user ? actingIdentity(principal, body.user, 'chat').user.id : 'local';
    const by = `api:${who}`;
    const result = await console.cancel(run.id, by);
    if (!result.ok) {
      throw new ChatOpsError('CONFLICT', result.message, {
        remedy: 'Only a running run can be cancelled; GET it to see its status.',
        details: { status: run.status },
      });
    }
    sendJson(res, 202, { id: run.id, cancelled: true, message: result.message }, headers);
  };

  return [
    { method: 'GET', path: '/api/v1/workflows', handler: list },
    { method: 'GET', path: '/api/v1/workflows/:id', handler: one },
    { method: 'POST', path: '/api/v1/workflows/:id/cancel', handler: cancel },
  ];
}

async function found(console: WorkflowsConsole, id: string, tenantId: string): Promise<WorkflowRunView> {
  const run = await console.view(id, tenantId);
  if (!run) {
    throw new ChatOpsError('NOT_FOUND', `No workflow run ${id.slice(0, 80)} here.`, {
      remedy: 'Use a run id from GET /api/v1/workflows or from the run’s progress message.',
    });
  }
  return run;
}

/** A run in a listing: everything but the steps' inputs and outputs, plus the step it is at. */
export function summaryOf(run: WorkflowRunView) {
  const { steps, input: _input, ...rest } = run;
  const current = steps.find((step) => ['running', 'waiting', 'retrying', 'queued'].includes(step.status));
  return {
    ...rest,
    steps: steps.length,
    current: current
      ? { name: current.name, label: current.label, status: current.status, detail: current.detail }
      : null,
  };
}
