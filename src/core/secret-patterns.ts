/**
 * The shapes of secrets that redact.ts removes, in the order they run: unambiguous vendor formats first,
 * then structures that say where the secret is (URLs with a password, `Key=Value;` connection strings,
 * `label: value` assignments, "my password is …"), and last the one heuristic, for AWS secret access keys
 * pasted without a label. Each rule returns the replacement for its match, or null to keep the match.
 */
export const REDACTED = '[REDACTED]';

export type SecretRule = PatternRule | ScanRule;

interface PatternRule {
  kind: string;
  pattern: RegExp;
  /** A cheap test of the whole text first: false skips the rule (e.g. no `;`, no connection string). */
  when?: (text: string) => boolean;
  /** `groups[0]` is the whole match. Returns the text to put in its place, or null to leave it. */
  replace: (groups: readonly (string | undefined)[]) => string | null;
}

/** A rule that walks the text itself (where one match must not swallow the start of the next). */
interface ScanRule {
  kind: string;
  /** The text with this rule's secrets redacted. */
  scan: (text: string) => string;
}

const whole = () => REDACTED;

/** Keeps the label before the secret (`password=`) and what follows it (a closing quote, the `@host`). */
const keep =
  (before: number, secret: number, after?: number) =>
  (groups: readonly (string | undefined)[]): string | null => {
    const value = groups[secret] ?? '';
    if (value === '' || value.startsWith('[REDACTED')) return null;
    return `${groups[before] ?? ''}${REDACTED}${after === undefined ? '' : (groups[after] ?? '')}`;
  };

const VENDOR_FORMATS: readonly SecretRule[] = [
  {
    kind: 'private-key',
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    replace: whole,
  },
  { kind: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{16,}/g, replace: whole },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g, replace: whole },
  { kind: 'stripe-key', pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g, replace: whole },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: whole },
  { kind: 'slack-app-token', pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g, replace: whole },
  {
    kind: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
    replace: whole,
  },
  {
    kind: 'github-token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g,
    replace: whole,
  },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g, replace: whole },
  // Access key ids of IAM users (AKIA), temporary credentials (ASIA) and their older variants.
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, replace: whole },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: whole },
  { kind: 'google-oauth-secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}\b/g, replace: whole },
  // Entra (Azure AD) client secrets: three characters, a digit, `Q~`, then 31-34 more.
  {
    kind: 'azure-client-secret',
    pattern: /(?<![\w~.-])[\w~.-]{3}\dQ~[\w~.-]{31,34}(?![\w~.-])/g,
    replace: whole,
  },
  { kind: 'digitalocean-token', pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g, replace: whole },
  { kind: 'huggingface-token', pattern: /\bhf_[A-Za-z0-9]{34,}\b/g, replace: whole },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: whole },
  { kind: 'chatops-api-key', pattern: /\bcok_[A-Za-z0-9_-]{20,}/g, replace: whole },
  {
    kind: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replace: whole,
  },
  {
    kind: 'bearer-token',
    pattern: /\b((?:Bearer|Basic)\s+)([A-Za-z0-9._~+/=-]{16,})/gi,
    replace: keep(1, 2),
  },
  // An Azure shared access signature (`…?sv=2022-11-02&sig=abc%2B…`): the signature is the secret.
  { kind: 'azure-sas', pattern: /([?&;]sig=)([A-Za-z0-9%+/=_-]{16,})/gi, replace: keep(1, 2) },
];

const STRUCTURES: readonly SecretRule[] = [
  // scheme://user:password@host (the user may be empty: redis://:password@host) — keep user and host.
  {
    kind: 'url-password',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi,
    replace: keep(1, 2, 3),
  },
  // Server=db;User Id=app;Password=two words;… (ADO.NET, ODBC, Azure Storage and Service Bus).
  {
    kind: 'connection-string',
    // It starts only at the start of a word, and values are bounded: a long line of `a=b` with no `;`
    // stays a linear search.
    pattern:
      /(?<![\w.-])[A-Za-z][\w .-]{0,40}=[^;\r\n]{0,300}(?:;[ \t]*[A-Za-z][\w .-]{0,40}=[^;\r\n]{0,300})+;?/g,
    replace: (groups) => redactConnectionString(groups[0] ?? ''),
    when: (text) => text.includes(';'),
  },
  // password=…, "api_key": "…", PGPASSWORD='…', SecretAccessKey: … (quoted values may hold spaces).
  { kind: 'labelled-secret', scan: redactLabelledValues },
  // --password hunter2, --token abc… (command lines people paste).
  {
    kind: 'labelled-secret',
    pattern:
      /((?:^|\s)--?(?:password|passwd|pass|pwd|token|secret|api-key|access-key|secret-key)\s+)([^\s"',;-][^\s"',;]{3,})/gi,
    replace: keep(1, 2),
  },
  // "the password for prod is hunter22", "my passphrase: …" — where nothing else could follow.
  {
    kind: 'stated-password',
    pattern:
      /\b((?:password|passwd|passphrase|pwd|pw)\s+(?:for\s+[^\s,;]{1,40}\s+)?(?:is|was|=|:)\s*["']?)([^\s"',;]{4,})/gi,
    replace: keep(1, 2),
  },
  // "my password hunter2secret": only a word that looks like a secret (digits, symbols or mixed case),
  // so "my password expired" stays as it is.
  {
    kind: 'stated-password',
    pattern: /\b(my\s+(?:password|passwd|passphrase|pwd|pw)\s+)([^\s"',;]{4,})/gi,
    replace: (groups) => (looksSecret(groups[2] ?? '') ? keep(1, 2)(groups) : null),
  },
];

// A label and its separator; the value is read after it (see redactLabelledValues).
const LABEL = /(["']?)\b([A-Za-z][\w.-]{0,63})\1(\s*(?:[:=]|=>)\s*)/g;
const QUOTED_VALUE = /^(["'])([^"'\r\n]{3,400}?)\1/;
const BARE_VALUE = /^[^\s"',;]{4,}/;
const ANOTHER_LABEL = /^[A-Za-z][\w.-]{0,63}:$/;
// Every secret label holds one of these: a cheap test before isSecretLabel splits the label into words.
const SECRET_HINT = /pass|pw|secret|token|auth|key|credential|sig/i;

/**
 * `label: value` and `label=value` where the label names a secret. A label that names none consumes only
 * itself, so in "note: PGPASSWORD=…" or "alone: AccountKey=…" the secret label after it is still seen; a
 * value that is itself a label ("MYSQL_PASSWORD: MYSQL_PASSWORD: …") gives way to the one after it.
 */
function redactLabelledValues(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(LABEL)) {
    const start = match.index ?? 0;
    if (start < last || !SECRET_HINT.test(match[2] ?? '') || !isSecretLabel(match[2] ?? '')) continue;
    const valueStart = start + match[0].length;
    const rest = text.slice(valueStart, valueStart + 500);
    const quoted = QUOTED_VALUE.exec(rest);
    const bare = quoted ? null : BARE_VALUE.exec(rest);
    const value = quoted?.[2] ?? bare?.[0];
    if (!value || value.startsWith('[REDACTED') || (bare && ANOTHER_LABEL.test(value))) continue;
    const quote = quoted?.[1] ?? '';
    out += `${text.slice(last, valueStart)}${quote}${REDACTED}${quote}`;
    last = valueStart + (quoted?.[0] ?? value).length;
  }
  return last === 0 ? text : out + text.slice(last);
}

const HEURISTICS: readonly SecretRule[] = [
  {
    kind: 'aws-secret-key',
    pattern: /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g,
    replace: (groups) => (looksLikeAwsSecretKey(groups[0] ?? '') ? REDACTED : null),
  },
];

export const SECRET_RULES: readonly SecretRule[] = [...VENDOR_FORMATS, ...STRUCTURES, ...HEURISTICS];

/** Labels whose value is a secret: `PGPASSWORD`, `db_password`, `pw`, `x-api-key`, `SecretAccessKey`. */
export function isSecretLabel(label: string): boolean {
  const words = label
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1) ?? '';
  if (NOT_SECRET_SUFFIXES.has(last)) return false;
  const joined = words.join('');
  if (/pass(?:word|wd|phrase)/.test(joined)) return true;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return SECRET_PHRASES.some((phrase) => joined.includes(phrase) && containsWords(words, phrase));
}

const SECRET_WORDS = new Set([
  'pw',
  'pwd',
  'pass',
  'secret',
  'secrets',
  'token',
  'auth',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'accountkey',
  'clientsecret',
  'authtoken',
  'accesstoken',
  'refreshtoken',
  'sessiontoken',
  'credential',
  'credentials',
  'sig',
]);

// Phrases spread over several words: `api_key`, `x-api-key`, `AccountKey`, `SharedAccessKey`.
const SECRET_PHRASES = [
  'apikey',
  'accesskey',
  'privatekey',
  'accountkey',
  'sharedaccesskey',
  'sharedaccesssignature',
  'clientsecret',
  'secretkey',
  'masterkey',
  'signingkey',
  'encryptionkey',
];

// `password_policy`, `max_tokens`, `token_budget`, `secret_name`: about a secret, not one.
const NOT_SECRET_SUFFIXES = new Set([
  'policy',
  'policies',
  'length',
  'expiry',
  'expires',
  'expired',
  'expiration',
  'age',
  'reset',
  'rotation',
  'url',
  'uri',
  'file',
  'path',
  'field',
  'prompt',
  'required',
  'strength',
  'manager',
  'count',
  'name',
  'arn',
  'type',
  'hint',
  'header',
  'endpoint',
  'ttl',
  'lifetime',
  'limit',
  'budget',
  'usage',
  'tokens',
]);

/** True when the words, concatenated in order, spell the phrase from a word boundary to a word boundary. */
function containsWords(words: readonly string[], phrase: string): boolean {
  for (let start = 0; start < words.length; start += 1) {
    let spelled = '';
    for (let end = start; end < words.length && spelled.length < phrase.length; end += 1) {
      spelled += words[end];
      if (spelled === phrase) return true;
    }
  }
  return false;
}

const CONNECTION_SECRET_KEYS =
  /(?:password|passwd|pwd|accountkey|sharedaccesskey|sharedaccesssignature|sharedsecret|clientsecret|secret|accesskey|apikey|token|sig)$/;

/** The secret values of a `Key=Value;…` connection string, up to the next `;` (they may hold spaces). */
function redactConnectionString(text: string): string | null {
  let changed = false;
  const redacted = text
    .split(';')
    .map((segment) => {
      const equals = segment.indexOf('=');
      if (equals < 0) return segment;
      const key = segment
        .slice(0, equals)
        .replace(/[\s_.-]/g, '')
        .toLowerCase();
      const value = segment.slice(equals + 1);
      if (!CONNECTION_SECRET_KEYS.test(key) || value.trim() === '' || value.trim().startsWith('[REDACTED'))
        return segment;
      changed = true;
      const lead = /^\s*/.exec(value)?.[0] ?? '';
      return `${segment.slice(0, equals + 1)}${lead}${REDACTED}`;
    })
    .join(';');
  return changed ? redacted : null;
}

/** A word typed after "my password" that is a secret rather than prose: digits, symbols or inner capitals. */
function looksSecret(word: string): boolean {
  return /[0-9]/.test(word) || /[^A-Za-z]/.test(word) || /.[A-Z]/.test(word);
}

/**
 * An AWS secret access key has no prefix: 40 characters of base64's alphabet, random. Accepted as one only
 * when it looks random: upper case, lower case and digits all present; not hex (git SHAs); not two or more
 * words of six lower-case letters in a row (paths, identifiers); and not the base64 of readable text.
 */
export function looksLikeAwsSecretKey(candidate: string): boolean {
  if (candidate.length !== 40) return false;
  if (!/[A-Z]/.test(candidate) || !/[a-z]/.test(candidate) || !/[0-9]/.test(candidate)) return false;
  if (/^[0-9a-f]+$/i.test(candidate)) return false;
  if ((candidate.match(/[a-z]{6,}/g) ?? []).length >= 2) return false;
  return !decodesToText(candidate);
}

function decodesToText(base64: string): boolean {
  let decoded: string;
  try {
    decoded = atob(base64);
  } catch {
    return false;
  }
  let printable = 0;
  for (let index = 0; index < decoded.length; index += 1) {
    const code = decoded.charCodeAt(index);
    if ((code >= 0x20 && code < 0x7f) || code === 0x09 || code === 0x0a || code === 0x0d) printable += 1;
  }
  return printable / decoded.length >= 0.85;
}
