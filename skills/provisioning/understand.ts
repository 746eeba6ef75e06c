import { CLUSTER_PLATFORMS, CLUSTER_SIZES, DEPLOY_ENVIRONMENTS } from '../../src/core/index.ts';

/**
 * A deploy request in someone's own words ("spin up a small k3s cluster called demo for staging"), read
 * as a request, never as subcommands: which platform, environment, size, name, region, node count and
 * lifetime it mentions. What it does not say is left out, and the reply asks for it.
 */
export function understand(text: string): Record<string, string> {
  const lower = ` ${text.toLowerCase().replace(/[^\w\s.-]/g, ' ')} `;
  const found: Record<string, string> = {};
  const platform = CLUSTER_PLATFORMS.find((candidate) => lower.includes(` ${candidate} `));
  const aliases: Record<string, string> = {
    kubernetes: '',
    azure: 'aks',
    aws: 'eks',
    google: 'gke',
    gcp: 'gke',
  };
  const alias = Object.entries(aliases).find(([word, value]) => value && lower.includes(` ${word} `))?.[1];
  if (platform ?? alias) found.platform = platform ?? (alias as string);
  const envAliases: Record<string, string> = { development: 'dev', production: 'prod', stage: 'staging' };
  const env =
    DEPLOY_ENVIRONMENTS.find((candidate) => lower.includes(` ${candidate} `)) ??
    Object.entries(envAliases).find(([word]) => lower.includes(` ${word} `))?.[1];
  if (env) found.env = env;
  const size = CLUSTER_SIZES.find((candidate) => lower.includes(` ${candidate} `));
  if (size) found.size = size;
  const name = /\b(?:called|named|name)\s+["']?([a-z][a-z0-9-]{1,30})/.exec(lower)?.[1];
  if (name) found.name = name;
  const nodes = /\b([1-9][0-9]?)\s+nodes?\b/.exec(lower)?.[1];
  if (nodes) found.nodes = nodes;
  const region = /\bin\s+([a-z]{2,}-[a-z]+-?[0-9]?[a-z0-9-]*)\b/.exec(lower)?.[1];
  if (region) found.region = region;
  const ttl = /\bfor\s+([1-9][0-9]{0,3})\s*(minutes?|hours?|days?|m|h|d)\b/.exec(lower);
  if (ttl?.[1] && ttl[2]) found.ttl = `${ttl[1]}${ttl[2][0]}`;
  return found;
}
