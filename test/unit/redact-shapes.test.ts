import { describe, expect, it } from 'vitest';
import { findAndRedactSecrets, redactSecrets, redactTaskSecrets } from '../../src/core/redact.ts';
import { looksLikeAwsSecretKey } from '../../src/core/secret-patterns.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { AWS_SECRET, AZURE_KEY, SHAPES, secretsOf } from '../fixtures/secret-shapes.ts';

/** Text that must come back exactly as typed. */
const NOT_SECRETS: [string, string][] = [
  ['a git SHA-1', 'reverted 3f786850e387550fdab836ed7e6dc881de23001b today'],
  ['an upper-case SHA-1', '3F786850E387550FDAB836ED7E6DC881DE23001B'],
  ['a SHA-256', 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ['a UUID', 'task 123e4567-e89b-12d3-a456-426614174000 failed'],
  ['base64 of ordinary text', `decode ${btoa('The quick brown fox jumps over')} please`],
  ['base64 of JSON', btoa('{"user":"alice","role":"admin1"}').slice(0, 40)],
  ['a path of 40 characters', 'see usr/local/lib/nodeModules/FooBar/lib/x1 now'],
  ['a camelCase identifier', 'getUserAccountSettingsForCurrentTenant12'],
  ['a Java class path', 'org/apache/commons/lang3/StringUtils12345'],
  ['a question about passwords', 'what is our password policy for contractors?'],
  ['a password that expired', 'my password expired yesterday'],
  ['a password manager', 'my password manager is 1Password'],
  [
    'settings about secrets',
    'password_policy=strict max_tokens=4096 token_budget: 20000 secret_name: prod-db',
  ],
  ['an author', 'author=alice reviewed it'],
  ['a command', '/deploy-cluster env=prod size=3'],
  ['a key that is not secret', 'key=prod-cluster'],
  ['a URL without a password', 'https://user@example.com/path?x=1'],
  ['prose with semicolons', 'size=3; env=prod; region=eu-west-1'],
  ['a Slack timestamp', '1712345678.123456'],
];

describe('redaction of the common secret shapes', () => {
  it.each(SHAPES)('redacts %s', (shape, typed, stored, kind) => {
    const found = findAndRedactSecrets(typed);
    expect(found.text).toBe(stored);
    expect(found.kinds).toContain(kind);
    // The same inside a sentence, after another `label:` (which must not swallow the secret's own label).
    const inSentence = redactSecrets(`note for later, ${shape}: ${typed} (thanks)`);
    for (const secret of secretsOf(typed, stored)) {
      expect(found.text).not.toContain(secret);
      expect(inSentence).not.toContain(secret);
    }
  });

  it.each(NOT_SECRETS)('keeps %s', (_what, text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('redacts the whole value of a secret command argument, and click inputs', () => {
    const task = {
      text: '',
      args: { password: 'correct horse', user: 'svc', note: `key ${AWS_SECRET}` },
      action: { id: 'approval.reject', inputs: { reason: 'use pw: hunter2secret instead' } },
    };
    expect(redactTaskSecrets(task)).toEqual({
      text: '',
      args: { password: '[REDACTED]', user: 'svc', note: 'key [REDACTED]' },
      action: { id: 'approval.reject', inputs: { reason: 'use pw: [REDACTED] instead' } },
    });
  });
});

// A deterministic generator, so these rates are the same on every run.
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function randomString(next: () => number, alphabet: string, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(next() * alphabet.length)];
  return text;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('the unlabelled AWS secret key heuristic', () => {
  it('recognises at least 99% of random keys', () => {
    const next = generator(14);
    const keys = Array.from({ length: 2000 }, () => randomString(next, BASE64, 40));
    const found = keys.filter(looksLikeAwsSecretKey).length;
    expect(found / keys.length).toBeGreaterThanOrEqual(0.99);
  });

  it('never takes a git SHA, a UUID or the base64 of English text for one', () => {
    const next = generator(7);
    const shas = Array.from({ length: 2000 }, () => randomString(next, '0123456789abcdef', 40));
    expect(shas.filter((sha) => redactSecrets(sha) !== sha)).toEqual([]);
    const uuids = Array.from({ length: 500 }, () => crypto.randomUUID());
    expect(uuids.filter((uuid) => redactSecrets(uuid) !== uuid)).toEqual([]);
    const prose =
      'Deploys need a green canary for thirty minutes before the full rollout. Page the incident commander after two failed mitigations, and write the postmortem within five working days of the incident.';
    const encoded: string[] = [];
    for (let start = 0; start + 30 <= prose.length; start += 7) {
      encoded.push(btoa(prose.slice(start, start + 30)));
    }
    expect(encoded.every((text) => text.length === 40)).toBe(true);
    expect(encoded.filter((text) => redactSecrets(text) !== text)).toEqual([]);
  });
});

describe('the logger', () => {
  it('redacts every shape in fields, bound fields and nested errors, in both formats', () => {
    for (const format of ['json', 'pretty'] as const) {
      const lines: string[] = [];
      const log = createLogger({ level: 'debug', format, write: (line) => lines.push(line) }).child({
        note: SHAPES[0]?.[1],
      });
      for (const [shape, typed] of SHAPES) {
        log.info('shape-seen', { shape, text: typed, nested: { list: [typed] } });
        log.warn('shape-failed', { failure: { error: new Error(`failed with ${typed}`) } });
      }
      const written = lines.join('\n');
      for (const secret of [
        'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET,
        'hunter2secret',
        's3cr3tPass',
        AZURE_KEY,
        'horse battery',
        'Winter2026',
        'FAKEsignatureFAKE',
        'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      ]) {
        expect(written).not.toContain(secret);
      }
      expect(written).toContain('[REDACTED]');
    }
  });
});
