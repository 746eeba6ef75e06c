import { isSecretLabel, REDACTED, SECRET_RULES } from './secret-patterns.ts';

export { REDACTED } from './secret-patterns.ts';

/**
 * Redacts secrets from text people type, before it reaches the queue, the database, the logs or the
 * language model: vendor tokens and keys, AWS keys with or without a label, private keys (PEM, and inside a
 * GCP service-account JSON), JWTs, passwords in URLs and in `Key=Value;` connection strings, Azure account
 * keys and SAS signatures, `password`/`pw`/`passwd`/`PGPASSWORD` assignments and "my password is …" (see
 * secret-patterns.ts for each shape). Pure and fast: intake calls it on every message. It errs on the side
 * of redacting: a false positive costs a word, a false negative leaks a credential into a third-party model
 * and every log shipper.
 */

/** Returns the text with every secret replaced by `[REDACTED]`, and which kinds were found. */
export function findAndRedactSecrets(text: string): { text: string; kinds: string[] } {
  if (text.length === 0) return { text, kinds: [] };
  const kinds = new Set<string>();
  let result = text;
  for (const rule of SECRET_RULES) {
    if ('scan' in rule) {
      const scanned = rule.scan(result);
      if (scanned !== result) kinds.add(rule.kind);
      result = scanned;
      continue;
    }
    const { kind, pattern, replace } = rule;
    if (rule.when && !rule.when(result)) continue;
    pattern.lastIndex = 0;
    result = result.replace(pattern, (...args: unknown[]) => {
      const groups = args.slice(0, firstOffset(args)) as (string | undefined)[];
      const match = groups[0] ?? '';
      const replacement = replace(groups);
      if (replacement === null || replacement === match) return match;
      kinds.add(kind);
      return replacement;
    });
  }
  return { text: result, kinds: [...kinds] };
}

// String.replace passes the match, the groups, then the offset (a number): the groups end there.
function firstOffset(args: unknown[]): number {
  const index = args.findIndex((arg) => typeof arg === 'number');
  return index < 0 ? args.length : index;
}

/** The common case: the text with its secrets redacted. */
export function redactSecrets(text: string): string {
  return findAndRedactSecrets(text).text;
}

/**
 * Redacts every string inside a JSON-like value (tool arguments, structured tool results, log fields).
 * Only plain objects and arrays are walked; class instances (dates, errors, buffers) are left as they are.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((entry) => redactDeep(entry)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, entry]) => [key, redactDeep(entry)]),
    ) as T;
  }
  return value;
}

/** The parts of a task people type: its text, command arguments and what they typed with a click. */
interface TypedParts {
  text: string;
  args?: Record<string, string> | undefined;
  action?: { inputs?: Record<string, string> | undefined } | undefined;
}

/**
 * A task with the secrets in its user-supplied text, command arguments and click inputs (a rejection
 * reason) redacted: what intake records and enqueues, so nothing downstream (queue, database, worker logs,
 * model) ever holds the secret.
 */
export function redactTaskSecrets<T extends TypedParts>(task: T): T {
  const text = redactSecrets(task.text);
  const args = task.args ? redactArguments(task.args) : undefined;
  const inputs = task.action?.inputs ? redactArguments(task.action.inputs) : undefined;
  if (text === task.text && args === task.args && inputs === task.action?.inputs) return task;
  return {
    ...task,
    text,
    ...(args ? { args } : {}),
    ...(task.action && inputs ? { action: { ...task.action, inputs } } : {}),
  };
}

function redactArguments(args: Record<string, string>): Record<string, string> {
  let changed = false;
  const redacted: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    // `password="two words"` as a command argument: the key is the label, so all of the value goes.
    const next = isSecretLabel(key) && value.trim() !== '' ? REDACTED : redactSecrets(value);
    if (next !== value) changed = true;
    redacted[key] = next;
  }
  return changed ? redacted : args;
}
