import { startPeriodic } from '../core/periodic.ts';
import type { WorkflowEngine } from './engine.ts';
import type { WorkflowJob } from './queue.ts';

/**
 * The safety net for jobs lost with Redis (a flushed or failed-over instance): steps whose state says a
 * job should exist but that nothing touched for a while are queued again (deterministic ids make that a
 * no-op when the job is still there), waiting steps get the events stored for them, and quiet runs are
 * advanced. Every run also moves on by itself; this only catches what was lost.
 */
export async function sweepWorkflows(engine: WorkflowEngine, olderThanSeconds: number): Promise<number> {
  const jobs: WorkflowJob[] = [];
  for (const step of await engine.steps.stale(olderThanSeconds)) {
    const attempt = step.status === 'running' ? step.attempts : step.attempts + 1;
    jobs.push({ type: 'step', runId: step.runId, phase: step.phase, name: step.name, attempt });
  }
  for (const step of await engine.steps.waitingWithSignals()) {
    for (const signal of await engine.effects.signals(step.waitKey ?? '')) {
      if (signal.receivedAt > step.updatedAt) jobs.push({ type: 'signal', signalId: signal.id });
    }
  }
  for (const step of await engine.steps.overdueWaits(olderThanSeconds)) {
    const at = step.deadline?.getTime() ?? 0;
    jobs.push({ type: 'timer', runId: step.runId, phase: step.phase, name: step.name, at });
  }
  for (const runId of await engine.runs.quiet(olderThanSeconds)) {
    jobs.push({ type: 'advance', runId, reason: `sweep-${Math.floor(Date.now() / 60_000)}` });
  }
  for (const job of jobs) await engine.options.queue.add(job);
  return jobs.length;
}

/** Sweeps every `intervalMs` (and once at start, for what was lost while no worker ran). */
export function startWorkflowSweeper(
  engine: WorkflowEngine,
  intervalMs: number,
  olderThanSeconds: number,
): () => void {
  return startPeriodic({
    intervalMs,
    atStart: true,
    failureEvent: 'workflow-sweep-failed',
    log: engine.log,
    run: async () => {
      const queued = await sweepWorkflows(engine, olderThanSeconds);
      if (queued > 0) engine.log.info('workflows-swept', { queued });
    },
  });
}
