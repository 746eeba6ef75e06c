import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { PriceTable } from '../core/deployments.ts';
import { ChatOpsError } from '../core/errors.ts';

/**
 * Monthly list prices (USD) the plan's estimate comes from: a node of each size per platform, the managed
 * control plane, and the monitoring stack's storage. Rough public on-demand figures; DEPLOY_PRICES
 * replaces them with your own (negotiated rates, another currency).
 */
export const BUILT_IN_PRICES: PriceTable = {
  currency: 'USD',
  nodeMonthly: {
    k3s: { small: 20, medium: 40, large: 80 },
    eks: { small: 61, medium: 122, large: 245 },
    aks: { small: 70, medium: 140, large: 280 },
    gke: { small: 49, medium: 98, large: 196 },
  },
  controlPlaneMonthly: { k3s: 0, eks: 73, aks: 73, gke: 73 },
  monitoringMonthly: 15,
};

const sizes = z.strictObject({
  small: z.number().min(0),
  medium: z.number().min(0),
  large: z.number().min(0),
});
const PriceFile = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/),
  nodeMonthly: z.strictObject({ k3s: sizes, eks: sizes, aks: sizes, gke: sizes }),
  controlPlaneMonthly: z.strictObject({
    k3s: z.number().min(0),
    eks: z.number().min(0),
    aks: z.number().min(0),
    gke: z.number().min(0),
  }),
  monitoringMonthly: z.number().min(0),
});

/** The price table: DEPLOY_PRICES's file (checked at start-up), or the built-in one. */
export function loadPrices(path: string | undefined): PriceTable {
  if (!path) return BUILT_IN_PRICES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ChatOpsError(
      'CONFIG_INVALID',
      `DEPLOY_PRICES (${path}) cannot be read: ${(error as Error).message}`,
      {
        remedy: 'Point DEPLOY_PRICES at a readable JSON file shaped as in the README, or unset it.',
      },
    );
  }
  const result = PriceFile.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new ChatOpsError('CONFIG_INVALID', `DEPLOY_PRICES (${path}) is invalid: ${problems.join('; ')}`, {
      remedy: 'Fix the fields named; every platform and size needs a price.',
    });
  }
  return result.data;
}
