import { z } from 'zod';
import type { Variable } from './variables.ts';

/** The approvals engine: the policy file (who approves what) and the expiry safety net. */
export const APPROVALS_VARIABLES = [
  {
    name: 'APPROVALS_CONFIG',
    schema: z.string().min(1),
    description:
      'JSON file of approval rules per action (command or tool pattern) and environment/argument pattern: approver roles, groups or users, how many distinct approvers, whether the requester may approve, expiry, who may cancel. Unset: every side effect needs one person with the `approver` role, never the requester, within 30 minutes.',
    remedy:
      'Point APPROVALS_CONFIG at a readable JSON file, e.g. APPROVALS_CONFIG=./approvals.json (see the README).',
  },
  {
    name: 'APPROVALS_SWEEP_INTERVAL_MS',
    schema: z.coerce.number().int().min(1000).max(3_600_000),
    defaultValue: '60000',
    description:
      'How often workers look for approvals past their expiry whose timer was lost (each approval also has its own delayed expiry job).',
    remedy: 'Set APPROVALS_SWEEP_INTERVAL_MS to milliseconds between 1000 and 3600000.',
  },
] as const satisfies readonly Variable[];
