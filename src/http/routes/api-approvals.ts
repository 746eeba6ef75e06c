import type { ApprovalSummary } from '../../core/approvals.ts';
import { ChatOpsError } from '../../core/errors.ts';
import { actingIdentity, requireScope } from '../api-identity.ts';
import { ApprovalsListQuery } from '../api-schemas.ts';
import { sendJson } from '../respond.ts';
import type { RequestContext, Route } from '../route-table.ts';
import { type ApiDependencies, admit, auditOnBehalf } from './api-dependencies.ts';

/** An approval summary with the message that shows it (its buttons decide it). */
export type ListedApproval = ApprovalSummary & { messageId: string | null; action: string };

/** What the console reads from the approvals engine. */
export interface ApprovalsConsole {
  /** Pending approvals this person may decide. */
  waitingFor(tenantId: string, platform: string, userId: string): Promise<ListedApproval[]>;
  /** This person's own pending requests. */
  requestedBy(tenantId: string, platform: string, userId: string): Promise<ListedApproval[]>;
  /** One approval with its decisions, or null when it is not in this tenant. */
  detail(tenantId: string, approvalId: string): Promise<Record<string, unknown> | null>;
}

/**
 * The web console's approvals view, and the same for scripts: `GET /api/v1/approvals` lists what waits for
 * the caller — a personal token's person, or with `act-as` the person in `?user=` — with each request's
 * message (whose Approve / Reject buttons are clicked through POST /api/v1/actions like any other button),
 * and their own pending requests; `GET /api/v1/approvals/{id}` shows one approval and every decision on it.
 */
export function approvalRoutes(deps: ApiDependencies, console: ApprovalsConsole): Route[] {
  const list = async ({ req, res, url }: RequestContext) => {
    const parsed = ApprovalsListQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      throw new ChatOpsError('VALIDATION_FAILED', 'GET /api/v1/approvals takes only ?user=<name>.', {
        remedy: 'Name the person whose approvals to list: 1-80 letters, digits, ".", "_", "@" or "-".',
        details: {
          fields: parsed.error.issues.map((issue) => ({
            field: issue.path.join('.') || 'query',
            message: issue.message,
          })),
        },
      });
    }
    const query = parsed.data;
    const { principal, headers } = await admit(deps, req, query.user ?? null);
    const identity = actingIdentity(principal, query.user, 'chat');
    await auditOnBehalf(deps, principal, identity, { request: 'GET /api/v1/approvals' });
    const user = identity.user.id;
    const [waiting, requested] = await Promise.all([
      console.waitingFor(principal.tenantId, 'api', user),
      console.requestedBy(principal.tenantId, 'api', user),
    ]);
    const withMessage = async (approval: ListedApproval) => {
      const message = approval.messageId ? await deps.messages.byId(approval.messageId) : null;
      return { ...approval, message: message ? deps.present(message) : null };
    };
    sendJson(
      res,
      200,
      {
        user,
        waiting: await Promise.all(waiting.map(withMessage)),
        requested: await Promise.all(requested.map(withMessage)),
      },
      headers,
    );
  };

  const one = async ({ req, res, params }: RequestContext) => {
    const { principal, headers } = await admit(deps, req, null);
    requireScope(principal, 'chat', 'read approvals');
    const detail = await console.detail(principal.tenantId, params.id ?? '');
    if (!detail) {
      throw new ChatOpsError('NOT_FOUND', `No approval ${params.id} here.`, {
        remedy: 'Use an approval id from GET /api/v1/approvals or from the request card.',
      });
    }
    sendJson(res, 200, detail, headers);
  };

  return [
    { method: 'GET', path: '/api/v1/approvals', handler: list },
    { method: 'GET', path: '/api/v1/approvals/:id', handler: one },
  ];
}
