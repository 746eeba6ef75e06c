import { describe, expect, it } from 'vitest';
import { findAndRedactSecrets, redactSecrets, redactTaskSecrets } from '../../src/core/redact.ts';
import { looksLikeAwsSecretKey } from '../../src/core/secret-patterns.ts';
import { createLogger } from '../../src/observability/logger.ts';

// Each common secret shape (issue 14, finding 10), as people paste it, and what must survive. Every value is
// fake: shaped like the real format, never a working credential. AWS_SECRET is AWS's documented example key.
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AZURE_KEY = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy+/==';

/** [shape, text as typed, the same text as stored, the kind reported] */
const SHAPES: [string, string, string, string][] = [
  ['AWS access key id', 'key AKIAIOSFODNN7EXAMPLE here', 'key [REDACTED] here', 'aws-access-key'],
  ['AWS temporary key id', 'ASIAFAKEFAKEFAKEFAKE', '[REDACTED]', 'aws-access-key'],
  ['AWS secret key without a label', `it is ${AWS_SECRET} ok`, 'it is [REDACTED] ok', 'aws-secret-key'],
  [
    'AWS secret key with a label',
    `aws_secret_access_key = ${AWS_SECRET}`,
    'aws_secret_access_key = [REDACTED]',
    'labelled-secret',
  ],
  [
    'AWS credentials JSON (STS)',
    `{"AccessKeyId": "ASIAFAKEFAKEFAKEFAKE", "SecretAccessKey": "${AWS_SECRET}", "SessionToken": "FwoGZXIvYXdzEFAKE"}`,
    '{"AccessKeyId": "[REDACTED]", "SecretAccessKey": "[REDACTED]", "SessionToken": "[REDACTED]"}',
    'labelled-secret',
  ],
  ['pw: label', 'pw: hunter2secret', 'pw: [REDACTED]', 'labelled-secret'],
  ['password= assignment', 'password=hunter22', 'password=[REDACTED]', 'labelled-secret'],
  ['passwd: label', 'passwd: Tr0ub4dor', 'passwd: [REDACTED]', 'labelled-secret'],
  [
    'PGPASSWORD',
    'export PGPASSWORD=s3cr3tPass; psql',
    'export PGPASSWORD=[REDACTED]; psql',
    'labelled-secret',
  ],
  [
    'PGPASSWORD quoted, with spaces',
    "PGPASSWORD='two words' psql",
    "PGPASSWORD='[REDACTED]' psql",
    'labelled-secret',
  ],
  [
    'MYSQL_ROOT_PASSWORD',
    'MYSQL_ROOT_PASSWORD: rootpass1',
    'MYSQL_ROOT_PASSWORD: [REDACTED]',
    'labelled-secret',
  ],
  [
    'a --password flag',
    'mysql -u root --password Hunter2pass -h db',
    'mysql -u root --password [REDACTED] -h db',
    'labelled-secret',
  ],
  ['my password is …', 'my password is Tr0ub4dor&3', 'my password is [REDACTED]', 'stated-password'],
  ['my password …', 'my password hunter2secret thanks', 'my password [REDACTED] thanks', 'stated-password'],
  [
    'the password for X is …',
    'the password for prod is Winter2026!',
    'the password for prod is [REDACTED]',
    'stated-password',
  ],
  [
    'URL with a password',
    'postgres://app:pa55word@db:5432/main',
    'postgres://app:[REDACTED]@db:5432/main',
    'url-password',
  ],
  [
    'URL with only a password',
    'redis://:s3cretpass@cache:6379/0',
    'redis://:[REDACTED]@cache:6379/0',
    'url-password',
  ],
  [
    'ADO.NET connection string',
    'Server=tcp:db.example.com,1433;Database=app;User Id=app;Password=correct horse battery;Encrypt=true',
    'Server=tcp:db.example.com,1433;Database=app;User Id=app;Password=[REDACTED];Encrypt=true',
    'connection-string',
  ],
  [
    'ODBC connection string (Pwd)',
    'Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=p@ss w0rd;',
    'Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=[REDACTED];',
    'connection-string',
  ],
  [
    'Azure Storage AccountKey',
    `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${AZURE_KEY};EndpointSuffix=core.windows.net`,
    'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[REDACTED];EndpointSuffix=core.windows.net',
    'connection-string',
  ],
  ['Azure AccountKey alone', `AccountKey=${AZURE_KEY}`, 'AccountKey=[REDACTED]', 'labelled-secret'],
  [
    'Azure Service Bus SharedAccessKey',
    'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=abcDEF123456789+/ghiJKL=',
    'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=[REDACTED]',
    'connection-string',
  ],
  [
    'Azure SAS sig=',
    'https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&sr=b&sig=abcDEF123%2Bxyz456%3D789',
    'https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&sr=b&sig=[REDACTED]',
    'azure-sas',
  ],
  [
    'Entra client secret',
    'secret abc8Q~FAKEfakeFAKEfakeFAKEfakeFAKEfake12',
    'secret [REDACTED]',
    'azure-client-secret',
  ],
  ['Google API key', 'AIzaSyFAKE-fakeFAKEfakeFAKEfakeFAKEfake', '[REDACTED]', 'google-api-key'],
  ['Google OAuth client secret', 'GOCSPX-FAKEfakeFAKEfakeFAKEfake1234', '[REDACTED]', 'google-oauth-secret'],
  [
    'GCP service-account JSON',
    '{"type": "service_account", "private_key_id": "0123456789abcdef0123456789abcdef01234567", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n", "client_email": "bot@acme.iam.gserviceaccount.com"}',
    '{"type": "service_account", "private_key_id": "[REDACTED]", "private_key": "[REDACTED]\\n", "client_email": "bot@acme.iam.gserviceaccount.com"}',
    'private-key',
  ],
  [
    'PEM private key',
    'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIFAKE\nFAKE==\n-----END RSA PRIVATE KEY-----\nend',
    'key:\n[REDACTED]\nend',
    'private-key',
  ],
  [
    'OpenSSH private key',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----',
    '[REDACTED]',
    'private-key',
  ],
  [
    'PGP private key block',
    '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----',
    '[REDACTED]',
    'private-key',
  ],
  ['JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.FAKEsignatureFAKE', 'token [REDACTED]', 'jwt'],
  [
    'Bearer header',
    'Authorization: Bearer abcdefghijklmnop1234',
    'Authorization: Bearer [REDACTED]',
    'bearer-token',
  ],
  ['x-api-key header', 'x-api-key: 0a1b2c3d4e5f', 'x-api-key: [REDACTED]', 'labelled-secret'],
  ['GitHub token', 'ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234', '[REDACTED]', 'github-token'],
  ['Slack bot token', 'xoxb-1234567890-FAKEFAKEFAKE', '[REDACTED]', 'slack-token'],
];

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
  it.each(SHAPES)('redacts %s', (_shape, typed, stored, kind) => {
    const found = findAndRedactSecrets(typed);
    expect(found.text).toBe(stored);
    expect(found.kinds).toContain(kind);
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
