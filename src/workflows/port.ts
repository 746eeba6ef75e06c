import type { Caller } from '../core/skill.ts';
import type { Task } from '../core/task.ts';
import type { WorkflowRunView } from '../core/workflow-definition.ts';
import type { WorkflowActionResult, WorkflowsPort } from '../core/workflows.ts';
import type { WorkflowEngine } from './engine.ts';

/** Roles that may cancel or roll back someone else's run when its definition names none. */
const DEFAULT_MANAGER_ROLES = ['admin'];

/**
 * The workflows port of one task (`ctx.workflows`): runs start in the task's thread on behalf of its
 * caller; reads stay in the task's tenant; cancel and rollback are the requester's, or need one of the
 * definition's cancel roles.
 */
export function workflowsPortFor(engine: WorkflowEngine, task: Task, caller: Caller): WorkflowsPort {
  const who = `${task.platform}:${task.user.id}`;
  const name = caller.name;
  const mayManage = async (run: WorkflowRunView): Promise<boolean> => {
    if (run.requestedBy === who) return true;
    const roles = engine.registry.find(run.definition)?.cancelRoles ?? DEFAULT_MANAGER_ROLES;
    const held = await caller.roles();
    return roles.some((role) => held.includes(role));
  };
  const guarded = async (
    id: string,
    act: (run: WorkflowRunView) => Promise<WorkflowActionResult>,
  ): Promise<WorkflowActionResult> => {
    const run = await engine.view(id, task.tenantId);
    if (!run) return { ok: false, message: `There is no workflow run ${id.slice(0, 80)} here.` };
    if (!(await mayManage(run))) {
      const roles = engine.registry.find(run.definition)?.cancelRoles ?? DEFAULT_MANAGER_ROLES;
      return {
        ok: false,
        message: `Only the person who started ${run.title}, or someone with the role ${roles.join(' or ')}, may do that.`,
      };
    }
    return act(run);
  };
  return {
    start: (definition, input, options) => engine.start(definition, input, task, options),
    get: (id) => engine.view(id, task.tenantId),
    list: (filter = {}) =>
      engine.list(task.tenantId, {
        ...(filter.definition ? { definition: filter.definition } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.mine ? { requestedBy: who } : {}),
        ...(filter.limit ? { limit: filter.limit } : {}),
      }),
    cancel: (id) => guarded(id, () => engine.cancel(id, name)),
    compensate: (id) => guarded(id, () => engine.compensate(id, name)),
    signal: async (key, payload, dedupeKey) => {
      await engine.signal(key, payload, dedupeKey);
    },
    approvalGranted: (approved) => engine.approvalGranted(approved),
  };
}
