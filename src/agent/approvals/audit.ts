import type { Logger } from '../../core/ports.ts';
import type { Task } from '../../core/task.ts';
import type { ApprovalRow } from '../../db/approval-store.ts';
import type { AuditLog } from '../../db/audit-log.ts';

/** The approval events written to the append-only audit log (noun-verb, like every audit action). */
export type ApprovalAuditAction =
  | 'approval-requested'
  | 'approval-refused'
  | 'approval-decided'
  | 'approval-approved'
  | 'approval-rejected'
  | 'approval-denied'
  | 'approval-cancelled'
  | 'approval-expired'
  | 'approval-execution-started'
  | 'approval-executed'
  | 'approval-execution-failed'
  | 'approval-execution-blocked'
  | 'approval-execution-interrupted';

/**
 * Who, what, when and where for every approval event: the actor as `platform:user` (or `system`), the
 * approval as target, and in the details the action, its argument hash, the place (channel, thread,
 * message), for a click the clicker's task, and which API key acted when one acted for the person. The
 * database stamps the time and refuses later edits.
 */
export class ApprovalAudit {
  readonly #audit: AuditLog;
  readonly #log: Logger;

  constructor(audit: AuditLog, log: Logger) {
    this.#audit = audit;
    this.#log = log;
  }

  async record(
    action: ApprovalAuditAction,
    actor: string,
    approval: ApprovalRow | null,
    details: Record<string, unknown> & { tenantId?: string; task?: Task } = {},
  ): Promise<void> {
    const { task, tenantId, ...extra } = details;
    const entry = {
      tenantId: approval?.tenantId ?? tenantId ?? task?.tenantId ?? 'unknown',
      actor,
      action,
      ...(approval ? { target: `approval:${approval.id}` } : {}),
      details: {
        ...(approval
          ? {
              approvalId: approval.id,
              action: `${approval.action.kind}:${approval.action.name}`,
              argsHash: approval.argsHash,
              status: approval.status,
              platform: approval.platform,
              channel: approval.channel,
              thread: approval.thread,
              messageId: approval.messageId,
            }
          : {}),
        ...(task
          ? {
              taskId: task.id,
              via: {
                platform: task.platform,
                channel: task.channel,
                messageId: task.action?.messageId ?? null,
              },
              ...(task.onBehalfOf
                ? {
                    onBehalfOf: {
                      ...task.onBehalfOf,
                      summary: `key ${task.onBehalfOf.apiKey} on behalf of ${task.user.id}`,
                    },
                  }
                : {}),
            }
          : {}),
        ...extra,
      },
    };
    this.#log.info(action, { approvalId: approval?.id, actor, ...extra });
    // The audit log is the record people trust: a write failure fails the step (and its task retries).
    await this.#audit.append(entry);
  }
}

/** `platform:user` of the person behind a task. */
export function actorOf(task: Task): string {
  return `${task.platform}:${task.user.id}`;
}
