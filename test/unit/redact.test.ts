import { describe, expect, it } from 'vitest';
import { findAndRedactSecrets, redactDeep, redactSecrets, redactTaskSecrets } from '../../src/core/redact.ts';
import { createLogger } from '../../src/observability/logger.ts';

// Every value below is fake: shaped like the real format, never a working credential.
const SECRETS: [string, string][] = [
  ['anthropic-key', 'sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKE_fake-FAKE'],
  ['openai-key', 'sk-proj-FAKEfakeFAKEfakeFAKEfake1234'],
  ['slack-token', 'xoxb-1234567890-FAKEFAKEFAKE'],
  ['slack-app-token', 'xapp-1-A0FAKE-1234-FAKEFAKEFAKE'],
  ['github-token', 'ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234'],
  ['github-token', 'github_pat_11FAKEFAKE0_FAKEfakeFAKEfakeFAKEfake'],
  ['aws-access-key', 'AKIAFAKEFAKEFAKEFAKE'],
  ['google-api-key', 'AIzaSyFAKE-fakeFAKEfakeFAKEfakeFAKEfake'],
  ['chatops-api-key', 'cok_FAKEfakeFAKEfakeFAKEfake'],
  ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.FAKEsignatureFAKE'],
];

describe('redactSecrets', () => {
  it.each(SECRETS)('redacts a %s', (kind, secret) => {
    const found = findAndRedactSecrets(`here it is: ${secret} thanks`);
    expect(found.text).toBe('here it is: [REDACTED] thanks');
    expect(found.kinds).toContain(kind);
  });

  it('redacts labelled passwords, tokens and keys but keeps the label', () => {
    expect(redactSecrets('password=hunter22 and db_password: "s3cr3t!"')).toBe(
      'password=[REDACTED] and db_password: "[REDACTED]"',
    );
    expect(redactSecrets('my password is Tr0ub4dor&3')).toBe('my password is [REDACTED]');
    expect(redactSecrets('API_KEY=abcd1234efgh token: zzzzyyyy')).toBe(
      'API_KEY=[REDACTED] token: [REDACTED]',
    );
    expect(redactSecrets('Authorization: Bearer abcdefghijklmnop1234')).toBe(
      'Authorization: Bearer [REDACTED]',
    );
  });

  it('keeps the user and host of a URL with a password', () => {
    expect(redactSecrets('use postgres://app:pa55word@db.internal:5432/main')).toBe(
      'use postgres://app:[REDACTED]@db.internal:5432/main',
    );
  });

  it('redacts a whole private key block', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIFAKE\nFAKE==\n-----END RSA PRIVATE KEY-----';
    expect(redactSecrets(`key:\n${key}\nend`)).toBe('key:\n[REDACTED]\nend');
  });

  it('leaves ordinary chat-ops text alone', () => {
    for (const text of [
      'deploy payments to prod with 3 nodes',
      'how many tokens did the last sprint burn? max_tokens=4096',
      'the auth service is down again',
      '/deploy-cluster env=prod size=3',
      'what is our password policy for contractors?',
      'author=alice reviewed it',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('redacts command arguments and nested values', () => {
    const task = {
      text: 'rotate it',
      args: { user: 'svc', password: 'hunter22', note: 'xoxb-1234567890-FAKEFAKE' },
    };
    expect(redactTaskSecrets(task)).toEqual({
      text: 'rotate it',
      args: { user: 'svc', password: '[REDACTED]', note: '[REDACTED]' },
    });
    const unchanged = { text: 'hello', args: { env: 'dev' } };
    expect(redactTaskSecrets(unchanged)).toBe(unchanged);
    expect(redactDeep({ list: ['token=abcdefgh'], when: new Date(0) })).toEqual({
      list: ['token=[REDACTED]'],
      when: new Date(0),
    });
  });

  it('keeps secrets out of log lines', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format: 'json', write: (line) => lines.push(line) });
    log.info('task-received', {
      text: 'token=abcdefgh1234',
      nested: { key: 'sk-ant-api03-FAKEFAKEFAKEFAKEFAKE' },
    });
    log.error('task-failed', { error: new Error('login failed for postgres://app:pa55word@db/main') });
    expect(lines.join('\n')).not.toMatch(/abcdefgh1234|FAKEFAKEFAKEFAKE|pa55word/);
  });
});
