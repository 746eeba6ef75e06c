import { readFileSync } from 'node:fs';
import { SLACK_SAMPLES_DIRECTORY, specPath } from './spec-files.ts';
import { recordUsage } from './usage.ts';

/**
 * Slack's SDK samples are the union of every key Slack was seen to send, with placeholder values. A
 * fixture may leave keys out, but a key the sample lacks is a key Slack does not send: a fixture with it
 * tests a payload that cannot happen.
 */
export function unknownKeys(value: unknown, sample: unknown, path = ''): string[] {
  if (Array.isArray(value)) {
    const merged = mergeElements(sample);
    if (merged === undefined) return [];
    return value.flatMap((item, index) => unknownKeys(item, merged, `${path}[${index}]`));
  }
  if (!isObject(value) || !isObject(sample)) return [];
  // An empty sample object means "any keys" (a free-form map such as `state.values`).
  if (Object.keys(sample).length === 0) return [];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key;
    if (!(key in sample)) problems.push(where);
    else problems.push(...unknownKeys(child, sample[key], where));
  }
  return problems;
}

/** Reads a sample such as `events/AppMentionPayload.json` or `api/chat.postMessage.json`. */
export function slackSample(relative: string): unknown {
  const file = `${SLACK_SAMPLES_DIRECTORY}${relative}`;
  recordUsage({ kind: 'sample', file });
  return JSON.parse(readFileSync(specPath(file), 'utf8'));
}

function mergeElements(sample: unknown): unknown {
  if (!Array.isArray(sample) || sample.length === 0) return undefined;
  if (!sample.every(isObject)) return sample[0];
  const merged: Record<string, unknown> = {};
  for (const element of sample) {
    for (const [key, child] of Object.entries(element)) {
      if (!(key in merged) || (isObject(child) && isObject(merged[key]))) {
        merged[key] = isObject(merged[key]) && isObject(child) ? { ...merged[key], ...child } : child;
      }
    }
  }
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
