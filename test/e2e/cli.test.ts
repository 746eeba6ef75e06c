import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, REDIS_URL, type TestDatabase, uniqueName } from '../support/services.ts';

// The `chatops` binary as an operator runs it.
const BIN = new URL('../../bin/chatops.js', import.meta.url).pathname;

function chatops(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('chatops CLI', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('lists every command in --help', () => {
    const { code, stdout } = chatops(['--help']);
    expect(code).toBe(0);
    for (const command of ['dev', 'gateway', 'worker', 'scheduler', 'migrate', 'role', 'api-key', 'schedule'])
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('stops with one message listing every bad setting', () => {
    const { code, stderr } = chatops(['gateway'], {
      PORT: 'abc',
      REDIS_URL: 'http://nope',
      LOG_LEVEL: 'loud',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Configuration is invalid');
    expect(stderr).toMatch(/PORT "abc".*PORT=3000/);
    expect(stderr).toMatch(/REDIS_URL \(value hidden\).*redis:\/\/host:6379/);
    expect(stderr).toMatch(/LOG_LEVEL "loud".*debug, info, warn, error/);
  });

  it('stops at start-up on a bad approvals policy, naming each problem', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chatops-policy-'));
    try {
      const policy = join(dataDir, 'approvals.json');
      writeFileSync(
        policy,
        JSON.stringify({
          groups: { oncall: ['api:bob'] },
          rules: [
            {
              name: 'prod',
              action: 'deploy-cluster',
              environment: 'prod',
              required: 0,
              approvers: { roles: ['sre'] },
            },
            { action: 'filesystem__*', approvers: { groups: ['on-call'] } },
            { action: 'release', approvers: { users: ['bob'] }, required: 2, whoCanApprove: 'everyone' },
          ],
        }),
      );
      const { code, stderr } = chatops(['worker'], { CHATOPS_DATA_DIR: dataDir, APPROVALS_CONFIG: policy });
      expect(code).toBe(1);
      expect(stderr).toContain(`APPROVALS_CONFIG (${policy}) is invalid`);
      expect(stderr).toContain('rules[0] ("prod").required');
      expect(stderr).toContain('rules[2]: Unrecognized key: "whoCanApprove"');
      // All at once: the schema's complaints and what only a whole-file check finds.
      expect(stderr).toContain('rules[1].approvers.groups: unknown group "on-call" (defined: oncall)');
      expect(stderr).toContain('rules[2]: needs 2 distinct approvers but names only 1 (bob)');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('migrates and manages roles on PostgreSQL', () => {
    const env = { DATABASE_URL: database.url };
    expect(chatops(['migrate'], env).stdout).toContain(
      'Applied: Migration20261122000000_enable_vector, Migration20261122000100_core_tables',
    );
    expect(chatops(['migrate'], env).stdout).toContain('up to date');
    expect(chatops(['role', 'grant', 'alice', 'approver'], env).stdout).toContain(
      'Granted approver to api:alice.',
    );
    expect(chatops(['role', 'grant', 'slack:U0123ABCD', 'sre'], env).stdout).toContain(
      'Granted sre to slack:U0123ABCD.',
    );
    expect(chatops(['role', 'list'], env).stdout.trim().split('\n')).toEqual([
      'slack:U0123ABCD\tsre',
      'api:alice\tapprover',
    ]);
    expect(chatops(['role', 'list', '--role', 'approver'], env).stdout.trim()).toBe('api:alice\tapprover');
    expect(chatops(['role', 'revoke', 'alice', 'approver'], env).stdout).toContain(
      'Revoked approver from api:alice.',
    );
    expect(chatops(['role', 'grant', 'alice', 'Bad Role'], env).code).toBe(2);
  });

  it('creates service keys and personal tokens with scopes, changes scopes, lists and revokes', () => {
    const env = { DATABASE_URL: database.url };
    const created = chatops(['api-key', 'create', '--name', 'ci'], env);
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^cok_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('not shown again');
    expect(chatops(['api-key', 'create', '--name', 'ci'], env).stderr).toContain('exists already');
    expect(created.stderr).toContain('a service key (acts as key:ci), scopes chat');
    const personal = chatops(['api-key', 'create', '--name', 'alice-laptop', '--user', 'alice'], env);
    expect(personal.stderr).toContain('a personal token of alice, scopes chat');
    const unknown = chatops(['api-key', 'create', '--name', 'x', '--scopes', 'chat,root'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown API key scope: root');
    expect(
      chatops(['api-key', 'update', '--name', 'ci', '--scopes', 'chat,knowledge'], env).stdout,
    ).toContain('ci now has the scopes chat,knowledge.');
    const listed = chatops(['api-key', 'list'], env).stdout;
    expect(listed).toMatch(/^ci\tcok_\S{6}…\t\S+\tchat,knowledge\tservice$/m);
    expect(listed).toMatch(/^alice-laptop\tcok_\S{6}…\t\S+\tchat\tuser:alice$/m);
    expect(chatops(['api-key', 'revoke', '--name', 'ci'], env).stdout).toContain('Revoked ci');
    expect(chatops(['api-key', 'list'], env).stdout).toMatch(/^ci\t.*\trevoked$/m);
    expect(chatops(['api-key', 'create', '--help']).stdout).toContain('decide-as');
    // Nine process starts: generous on a loaded machine.
  }, 180_000);

  it('adds, lists and removes schedules, and explains a bad one', () => {
    const env = { DATABASE_URL: database.url };
    const added = chatops(
      [
        'schedule',
        'add',
        'weekly-status',
        '--cron',
        '0 9 * * 1',
        '--timezone',
        'Europe/Berlin',
        '--channel',
        'ops',
        '--command',
        '/status',
        '--by',
        'alice',
        '--',
        'verbose=yes',
        'for',
        'the',
        'team',
      ],
      env,
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(
      /^Saved\. weekly-status\t0 9 \* \* 1 \(Europe\/Berlin\)\tapi:ops\t\/status verbose=yes for the team\tnext 20\d\d-/,
    );
    expect(chatops(['schedule', 'list', '--channel', 'ops'], env).stdout).toContain(
      'weekly-status\t0 9 * * 1',
    );
    expect(chatops(['schedule', 'list', '--channel', 'slack:C0123ABCDEF'], env).stdout.trim()).toBe(
      'No schedules.',
    );
    const bad = chatops(
      [
        'schedule',
        'add',
        'broken',
        '--cron',
        '0 25 * * *',
        '--timezone',
        'Nowhere/City',
        '--channel',
        'ops',
        '--command',
        'status',
      ],
      env,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/hour "25" is outside 0-23/);
    expect(bad.stderr).toMatch(/"Nowhere\/City": not an IANA time zone/);
    expect(bad.stderr).toContain('Use five fields');
    expect(
      chatops(['schedule', 'add', 'no-cron', '--channel', 'ops', '--command', 'status'], env).stderr,
    ).toContain('needs --cron');
    // A command nobody installed would fail at every fire: refused now, with the installed ones.
    const unknown = chatops(
      ['schedule', 'add', 'ops-rfp', '--cron', '0 8 * * 1-5', '--channel', 'ops', '--command', 'rfp'],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('/rfp is not an installed command');
    expect(unknown.stderr).toMatch(/Schedule one of the installed commands: .*\/status/);
    expect(chatops(['schedule', 'list'], env).stdout).not.toContain('ops-rfp');
    expect(chatops(['schedule', 'remove', 'weekly-status'], env).stdout).toContain(
      'Removed schedule weekly-status.',
    );
    expect(chatops(['schedule', 'remove', 'weekly-status'], env).code).toBe(1);
  });

  it('adds, lists, runs, pauses and removes digests, with the next runs and a sample', () => {
    const env = { DATABASE_URL: database.url, REDIS_URL, QUEUE_PREFIX: uniqueName('cli') };
    const added = chatops(
      ['digest', 'add', 'usage', 'every', 'monday', '9:00', '--channel', 'ops', '--tz', 'Europe/Berlin'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const lines = added.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^Saved dg-[a-z2-9]{6}: usage every Monday at 09:00 \(Europe\/Berlin, cron "0 9 \* \* 1"\) in api:ops\.$/,
    );
    expect(lines[1]).toMatch(/^Next runs: Mon \d{1,2} [A-Z][a-z]{2} 09:00 · Mon .* · Mon .*09:00$/);
    expect(lines[2]).toBe('Now it would say: No tasks ran and no model was called.');
    const id = /dg-[a-z2-9]{6}/.exec(lines[0] ?? '')?.[0] ?? '';
    const listed = JSON.parse(chatops(['digest', 'list', '--channel', 'ops', '--json'], env).stdout);
    expect(listed).toEqual([
      expect.objectContaining({
        id,
        kind: 'usage',
        cron: '0 9 * * 1',
        timeZone: 'Europe/Berlin',
        enabled: true,
      }),
    ]);
    expect(chatops(['digest', 'run', id], env).stdout).toMatch(new RegExp(`^Queued a run of ${id} now`));
    expect(chatops(['digest', 'pause', id], env).stdout).toContain(`Paused: ${id}\tusage`);
    expect(chatops(['digest', 'remove', id], env).stdout).toContain(`Removed: ${id}`);
    const gone = chatops(['digest', 'remove', id], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`There is no digest ${id} here.`);
    const bad = chatops(['digest', 'add', 'usage', 'every', '7', 'minutes', '--channel', 'ops'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('does not divide the hour evenly');
  }, 180_000);

  it('refuses to open the embedded database while another process holds it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chatops-lock-'));
    try {
      // Our own parent process stands in for a running `chatops dev`.
      writeFileSync(join(dataDir, 'chatops.pid'), String(process.pid));
      const { code, stderr } = chatops(['role', 'list'], { CHATOPS_DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(stderr).toContain(`in use by process ${process.pid}`);
      expect(stderr).toContain('DATABASE_URL');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
