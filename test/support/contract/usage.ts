import { appendFileSync } from 'node:fs';

/**
 * What the harness takes from the vendors' files, so the trimmed copies can keep exactly that. When
 * CONTRACT_USAGE_LOG names a file, each use is appended to it once per test worker as one JSON line;
 * `npm run specs:usage` runs the tests that way against the full specs and lists what the copies lack.
 */
export type SpecUsage =
  | { kind: 'operation'; spec: string; method: string; path: string }
  | { kind: 'schema'; spec: string; schema: string }
  | { kind: 'slack-method'; method: string }
  | { kind: 'sample'; file: string }
  | { kind: 'json-schema'; file: string };

const usageLog = process.env.CONTRACT_USAGE_LOG;
const recorded = new Set<string>();

export function recordUsage(usage: SpecUsage): void {
  if (!usageLog) return;
  const line = JSON.stringify(usage);
  if (recorded.has(line)) return;
  recorded.add(line);
  appendFileSync(usageLog, `${line}\n`);
}
