/**
 * Redacts secrets (API keys, tokens, passwords, private keys, credentials in URLs) from text people type,
 * before it reaches the queue, the database, the logs or the language model. Pure and fast: intake calls it
 * on every message. It errs on the side of redacting: a false positive costs a word, a false negative leaks
 * a credential into a third-party model and every log shipper.
 */
export const REDACTED = '[REDACTED]';

interface SecretPattern {
  kind: string;
  pattern: RegExp;
  /** Which capture group is the secret; the rest of the match is kept (e.g. the `password=` label). */
  group?: number;
}

// Vendor formats first (they are unambiguous), then the generic `label: value` and URL forms.
const PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  },
  { kind: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{16,}/g },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'stripe-key', pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack-app-token', pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'chatops-api-key', pattern: /\bcok_[A-Za-z0-9_-]{20,}/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'bearer-token', pattern: /\b((?:Bearer|Basic)\s+)([A-Za-z0-9._~+/=-]{16,})/gi, group: 2 },
  // scheme://user:password@host — keep the user and host, drop the password.
  { kind: 'url-password', pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi, group: 2 },
  // password=…, "api_key": "…", token: … (quoted or bare values).
  {
    kind: 'labelled-secret',
    pattern:
      /\b((?:[A-Za-z0-9]+[_-])*(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth)(?:[_-][A-Za-z0-9]+)*["']?\s*[:=]\s*["']?)([^\s"',;]{4,})/gi,
    group: 2,
  },
  // "my password is hunter22": only for password-like words, where "is" cannot mean anything else.
  {
    kind: 'labelled-secret',
    pattern: /\b((?:password|passwd|passphrase|pwd)\s+(?:is|was)\s+["']?)([^\s"',;]{4,})/gi,
    group: 2,
  },
];

/** Returns the text with every secret replaced by `[REDACTED]`, and which kinds were found. */
export function findAndRedactSecrets(text: string): { text: string; kinds: string[] } {
  if (text.length === 0) return { text, kinds: [] };
  const kinds = new Set<string>();
  let result = text;
  for (const { kind, pattern, group } of PATTERNS) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, (match, ...captures: unknown[]) => {
      if (group === undefined) {
        kinds.add(kind);
        return REDACTED;
      }
      const secret = captures[group - 1];
      if (typeof secret !== 'string' || secret === REDACTED || secret.startsWith('[REDACTED')) return match;
      kinds.add(kind);
      const before = captures.slice(0, group - 1).join('');
      const after = captures
        .slice(group, captures.length - 2)
        .filter((part) => typeof part === 'string')
        .join('');
      return `${before}${REDACTED}${after}`;
    });
  }
  return { text: result, kinds: [...kinds] };
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

/**
 * A task with the secrets in its user-supplied text and command arguments redacted: what intake records
 * and enqueues, so nothing downstream (queue, database, worker logs, model) ever holds the secret.
 */
export function redactTaskSecrets<T extends { text: string; args?: Record<string, string> | undefined }>(
  task: T,
): T {
  const text = redactSecrets(task.text);
  const args = task.args ? redactArguments(task.args) : undefined;
  if (text === task.text && args === task.args) return task;
  return { ...task, text, ...(args ? { args } : {}) };
}

function redactArguments(args: Record<string, string>): Record<string, string> {
  let changed = false;
  const redacted: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    // `password=hunter22` as a command argument: the label is the key, so test the pair as typed.
    const pair = redactSecrets(`${key}=${value}`);
    const next = pair === `${key}=${value}` ? redactSecrets(value) : pair.slice(key.length + 1);
    if (next !== value) changed = true;
    redacted[key] = next;
  }
  return changed ? redacted : args;
}
