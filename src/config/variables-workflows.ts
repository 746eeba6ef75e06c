import { z } from 'zod';
import type { Variable, VariableValues } from './variables.ts';

/** Durable workflows (src/workflows): how many steps a worker runs at once and the lost-job safety net. */
export const WORKFLOW_VARIABLES = [
  {
    name: 'WORKFLOW_CONCURRENCY',
    schema: z.coerce.number().int().min(1).max(1000),
    defaultValue: '64',
    description:
      'Workflow steps one worker process runs at once (provisioning, and other skills’ workflows). Steps mostly wait on outside systems.',
    remedy: 'Set WORKFLOW_CONCURRENCY to a whole number from 1 to 1000.',
  },
  {
    name: 'WORKFLOW_SWEEP_INTERVAL_MS',
    schema: z.coerce.number().int().min(1000).max(3_600_000),
    defaultValue: '30000',
    description:
      'How often workers look for workflow steps whose queue job was lost (e.g. with a Redis failover) and queue them again.',
    remedy: 'Set WORKFLOW_SWEEP_INTERVAL_MS to milliseconds between 1000 and 3600000.',
  },
] as const satisfies readonly Variable[];

export interface WorkflowsConfig {
  readonly concurrency: number;
  readonly sweepIntervalMs: number;
}

export function workflowsConfig(values: VariableValues<typeof WORKFLOW_VARIABLES>): WorkflowsConfig {
  return {
    concurrency: values.WORKFLOW_CONCURRENCY,
    sweepIntervalMs: values.WORKFLOW_SWEEP_INTERVAL_MS,
  };
}
