import type { ApprovedAction } from '../core/approvals.ts';
import { ChatOpsError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Logger } from '../core/ports.ts';
import type { Task } from '../core/task.ts';
import type { WorkflowRunView, WorkflowServices } from '../core/workflow-definition.ts';
import type { WorkflowActionResult } from '../core/workflows.ts';
import type { Database } from '../db/database.ts';
import { type ApprovalEvent, approvalEventKey, type WorkflowApprovalGate } from './approval-gate.ts';
import { EffectStore } from './effect-store.ts';
import { decide } from './plan.ts';
import type { ProgressBoard } from './progress-board.ts';
import type { WorkflowJob, WorkflowQueue } from './queue.ts';
import type { WorkflowRegistry } from './registry.ts';
import { progressReply } from './render.ts';
import { type RunFilter, type RunRow, RunStore } from './run-store.ts';
import type { StepRow } from './step-rows.ts';
import { StepStore } from './step-store.ts';
import { runView } from './views.ts';

export interface WorkflowEngineOptions {
  database: Database;
  registry: WorkflowRegistry;
  queue: WorkflowQueue;
  board: ProgressBoard;
  /** Posts approval requests (the approvals engine); without it approval steps fail closed. */
  gate?: WorkflowApprovalGate;
  /** The ports a run's steps get, bound to the place the run was asked for. */
  services(run: RunRow): WorkflowServices;
  /** Who started, cancelled and rolled back which run (the append-only audit log). */
  audit?: {
    append(entry: {
      tenantId: string;
      actor: string;
      action: string;
      target?: string;
      details?: Record<string, unknown>;
    }): Promise<void>;
  };
  log: Logger;
  /** How long an interrupted side effect's call is given to land before it is looked up (default 15 s). */
  effectSettleMs?: number;
  /**
   * Called at the two boundaries between database and queue writes ('step-finished': a step's end is
   * stored but the run not advanced; 'advance-committed': the next steps are stored but not queued). Crash
   * tests stop a worker there; production leaves it unset.
   */
  pause?: (point: 'step-finished' | 'advance-committed', runId: string, step?: string) => Promise<void>;
}

/**
 * The durable workflow engine: runs and steps live in the database, each step runs as a queue job with a
 * deterministic id, and what happens next is decided from the stored state alone (plan.ts) with
 * compare-and-set writes. Any worker can therefore pick up any run after a crash. The job handlers are in
 * step-runner.ts; a step of a sequence decides its successor there, in the statement that stores its end.
 */
export class WorkflowEngine {
  readonly runs: RunStore;
  readonly steps: StepStore;
  readonly effects: EffectStore;
  readonly registry: WorkflowRegistry;
  readonly options: WorkflowEngineOptions;

  constructor(options: WorkflowEngineOptions) {
    this.options = options;
    this.registry = options.registry;
    this.runs = new RunStore(options.database);
    this.steps = new StepStore(options.database);
    this.effects = new EffectStore(options.database);
  }

  get log(): Logger {
    return this.options.log;
  }

  /** Starts a run (once per tenant and start key), posts its progress message and queues its first step. */
  async start(
    definitionId: string,
    input: unknown,
    origin: Task,
    options: { startKey?: string } = {},
  ): Promise<WorkflowRunView> {
    const definition = this.registry.get(definitionId);
    const parsed = definition.parseInput(input);
    const { run, created } = await this.runs.create({
      id: uuidv7(),
      tenantId: origin.tenantId,
      definition: definition.id,
      skill: definition.skill,
      title: definition.title(parsed).slice(0, 300),
      input: parsed,
      origin,
      startKey: options.startKey ?? `task.${origin.id}.${definition.id}`,
      requestedBy: `${origin.platform}:${origin.user.id}`,
    });
    if (created) {
      this.log.info('workflow-started', { runId: run.id, definition: definition.id });
      await this.#audit(run, run.requestedBy, 'workflow-started', { title: run.title });
    }
    let shown = run;
    if (!run.progressMessageId) {
      // A run just created has no steps yet: its first view needs no read.
      const view = created ? runView(run, [], this.registry) : await this.view(run.id);
      const messageId = await this.options.board.post(
        run,
        progressReply(view as WorkflowRunView, definition),
      );
      await this.runs.setProgressMessage(run.id, messageId);
      shown = { ...run, progressMessageId: messageId };
    }
    // A run just created has no steps; one asked for again is read afresh.
    await this.advance(run.id, created ? shown : undefined, created ? [] : undefined);
    return (await this.view(run.id)) as WorkflowRunView;
  }

  async view(id: string, tenantId?: string): Promise<WorkflowRunView | null> {
    const { run, steps } = await this.steps.withRun(id);
    if (!run || (tenantId !== undefined && run.tenantId !== tenantId)) return null;
    return runView(run, steps, this.registry);
  }

  async list(tenantId: string, filter: RunFilter = {}): Promise<WorkflowRunView[]> {
    const runs = await this.runs.list(tenantId, filter);
    return Promise.all(runs.map(async (run) => runView(run, await this.steps.ofRun(run.id), this.registry)));
  }

  /**
   * Cancels a running run: steps that wait or have not started are cancelled at once; a step that is
   * running finishes its attempt; then the `finally` steps run (a lock is released) and the run ends.
   */
  async cancel(id: string, by: string): Promise<WorkflowActionResult> {
    const run = await this.runs.get(id);
    if (!run) return { ok: false, message: `There is no workflow run ${id.slice(0, 80)}.` };
    if (!(await this.runs.requestCancel(id, by))) {
      const why =
        run.cancelRequestedBy !== null
          ? `a cancel was already asked for by ${run.cancelRequestedBy}`
          : run.status === 'running'
            ? 'it is already finishing'
            : `it is ${run.status.replace('_', ' ')}`;
      return { ok: false, message: `${run.title} cannot be cancelled: ${why}.` };
    }
    await this.steps.cancelIdle(id);
    await this.options.queue.add({ type: 'advance', runId: id, reason: `cancel-${Date.now()}` });
    this.log.info('workflow-cancel-requested', { runId: id, by });
    await this.#audit(run, by, 'workflow-cancel-requested');
    return { ok: true, message: `${run.title}: cancelled by ${by}. Steps already done are not undone.` };
  }

  /** Starts the rollback a failed run offers (its compensation steps). */
  async compensate(id: string, by: string): Promise<WorkflowActionResult> {
    const run = await this.runs.get(id);
    if (!run) return { ok: false, message: `There is no workflow run ${id.slice(0, 80)}.` };
    if (!(await this.runs.startCompensation(id))) {
      return {
        ok: false,
        message:
          run.status === 'compensating' || run.status === 'compensated'
            ? `${run.title} is already ${run.status === 'compensating' ? 'rolling back' : 'rolled back'}.`
            : `${run.title} has no rollback to start (it is ${run.status.replace('_', ' ')}).`,
      };
    }
    this.log.info('workflow-compensation-started', { runId: id, by });
    await this.#audit(run, by, 'workflow-compensation-started', { error: run.error });
    await this.advance(id);
    return { ok: true, message: `${run.title}: rollback started by ${by}.` };
  }

  /** Stores an event (once per dedupe key) and hands it to the steps waiting for its key. */
  async signal(key: string, payload: unknown, dedupeKey: string): Promise<boolean> {
    const stored = await this.effects.signal(key, dedupeKey, payload);
    if (!stored) return false;
    await this.options.queue.add({ type: 'signal', signalId: stored.id });
    return true;
  }

  /** The continuation of an approved workflow approval (run by the workflows skill). */
  async approvalGranted(approved: ApprovedAction): Promise<WorkflowActionResult> {
    const args = approved.action.args;
    const runId = typeof args.workflowRun === 'string' ? args.workflowRun : '';
    const run = await this.runs.get(runId);
    if (!run) {
      throw new ChatOpsError('NOT_FOUND', 'The workflow run this approval belongs to no longer exists.', {
        remedy: 'Nothing ran; start the workflow again.',
      });
    }
    const event: ApprovalEvent = {
      outcome: 'approved',
      binding: String(args.binding ?? ''),
      approvers: approved.approvers,
      args,
    };
    await this.signal(
      approvalEventKey(approved.approvalId),
      event,
      `approval.${approved.approvalId}.granted`,
    );
    return { ok: true, message: `Approved: ${run.title} goes on.` };
  }

  /** The approvals engine's hook: an approval ended without a grant (rejected, expired, cancelled). */
  async approvalSettled(
    approvalId: string,
    outcome: 'rejected' | 'expired' | 'cancelled',
    detail: { by?: string; reason?: string } = {},
  ): Promise<void> {
    const event: ApprovalEvent = { outcome, ...detail };
    await this.signal(approvalEventKey(approvalId), event, `approval.${approvalId}.${outcome}`);
  }

  /**
   * Decides and does what comes next: inserts the next steps, moves between phases, ends the run. No lock
   * is needed: a step's end is committed before its advance reads, so of two steps ending together at
   * least one sees both; inserts ignore rows that exist, and phase changes are compare-and-set on the
   * phase. A step left `queued` (or `running`, as a sequence's next step is stored) by a crash before its
   * job was added is queued again by the next advance (deterministic job ids) or by the sweeper.
   */
  async advance(runId: string, known?: RunRow, knownSteps?: readonly StepRow[]): Promise<void> {
    let run = known ?? (await this.runs.get(runId));
    const definition = run ? this.registry.find(run.definition) : undefined;
    if (!run || !definition || run.finishedAt) return;
    const jobs: WorkflowJob[] = [];
    let changed = false;
    let read = knownSteps;
    for (let round = 0; round < 100; round += 1) {
      const steps = read ?? (await this.steps.ofRun(runId));
      // Kept only across this advance's own phase move: the steps it decided on are final, and a step of
      // the new phase can only have been inserted by someone who saw the move (inserts ignore repeats).
      read = undefined;
      const decision = decide(definition, run, steps);
      if (decision.kind === 'wait') {
        // Steps stored but perhaps never queued (a crash in between) are queued again; a job that still
        // exists keeps its deterministic id, so this adds nothing then.
        for (const step of steps) {
          if (step.status === 'queued') jobs.push(stepJob(runId, step.phase, step.name, step.attempts + 1));
          if (step.status === 'running') jobs.push(stepJob(runId, step.phase, step.name, step.attempts));
        }
        break;
      }
      if (decision.kind === 'start') {
        const inserted = new Set(await this.steps.insertAll(runId, decision.steps));
        changed = changed || inserted.size > 0;
        const queued = decision.steps.filter((step) => step.status === 'queued');
        for (const step of queued) {
          if (inserted.has(step.name)) jobs.push(stepJob(runId, step.phase, step.name, 1));
        }
        if (queued.length > 0) break;
        continue;
      }
      const finishing = decision.kind === 'finish';
      const moved = await this.runs.move(runId, run.phase, {
        ...(finishing
          ? { status: decision.status, outcome: null, finished: true }
          : {
              phase: decision.phase,
              outcome: decision.outcome,
              ...(decision.status ? { status: decision.status } : {}),
              ...(decision.error !== undefined ? { error: decision.error } : {}),
              ...(decision.compensable !== undefined ? { compensable: decision.compensable } : {}),
            }),
      });
      if (!moved) {
        // Another worker moved the run first: carry on from what it stored.
        run = await this.runs.get(runId);
        if (!run || run.finishedAt) break;
        continue;
      }
      changed = true;
      run = moved;
      read = steps;
      if (finishing) break;
    }
    if (jobs.length > 0) {
      await this.options.pause?.('advance-committed', runId);
      await this.options.queue.addAll(jobs);
    }
    if (run && changed) {
      if (run.finishedAt) this.log.info('workflow-finished', { runId, status: run.status });
      await this.refresh(run, Boolean(run.finishedAt));
    }
  }

  async #audit(run: RunRow, actor: string, action: string, details: Record<string, unknown> = {}) {
    await this.options.audit
      ?.append({
        tenantId: run.tenantId,
        actor,
        action,
        target: `workflow:${run.id}`,
        details: { definition: run.definition, ...details },
      })
      .catch((error: unknown) => this.log.warn('workflow-audit-failed', { runId: run.id, error }));
  }

  /**
   * Re-renders the run's progress message from its stored state. Coalesced (see ProgressBoard) and not
   * waited for, so a step never waits on chat; `immediately` (the run ended) is shown at once and waited.
   */
  refresh(run: RunRow, immediately = false): Promise<void> {
    const shown = this.options.board.refresh(
      run,
      async () => {
        const view = await this.view(run.id);
        return view ? progressReply(view, this.registry.find(run.definition)) : null;
      },
      immediately,
    );
    return immediately ? shown : Promise.resolve();
  }
}

export function stepJob(runId: string, phase: string, name: string, attempt: number): WorkflowJob {
  return { type: 'step', runId, phase, name, attempt };
}
