import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { JiraService } from '../../src/integrations/jira/service.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { fakeJiraWith, jiraEnv } from '../support/jira.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';

// `chatops jira` as a script runs it against a fake Jira on 127.0.0.1: sync, then the reports as JSON, the
// same numbers the chat answer is built from.
const BIN = new URL('../../bin/chatops.js', import.meta.url).pathname;

function chatops(args: string[], env: Record<string, string>) {
  // Asynchronous: the fake Jira answers from this process, which a synchronous spawn would block.
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('chatops jira', () => {
  let fake: FakeJira;
  let database: TestDatabase;
  let env: Record<string, string>;
  const directory = mkdtempSync(join(tmpdir(), 'chatops-jira-'));

  beforeAll(async () => {
    fake = await fakeJiraWith({ issues: 300, closedSprints: 8 }, { searchPageSize: 60 });
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, ...jiraEnv(fake) };
  });
  afterAll(async () => {
    await fake?.close();
    await database?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('syncs, then prints each report as JSON with the numbers the chat answer shows', async () => {
    const sync = await chatops(['jira', 'sync', '--json'], env);
    expect(sync.stderr).toBe('');
    // The generated history holds at least the 300 issues asked for (how many sprint work adds depends on the
    // weekdays before today), and a full sync reads every one.
    expect(fake.world.issues.size).toBeGreaterThanOrEqual(300);
    expect(JSON.parse(sync.stdout)).toMatchObject({
      scope: 'board:1',
      full: true,
      issues: fake.world.issues.size,
      ran: true,
    });

    const velocity = await chatops(['jira', 'velocity', '--sprints', '5', '--json'], env);
    expect(velocity.code).toBe(0);
    const printed = JSON.parse(velocity.stdout);
    expect(printed.report).toBe('velocity');
    expect(printed.numbers.sprints).toHaveLength(5);
    expect(printed.definitions.join(' ')).toContain('Done: Done (from the board\'s last column "Done").');

    // The same numbers, computed in this process from the same database.
    const open = await openDatabase({ kind: 'postgresql', url: database.url, poolMax: 2 });
    try {
      const config = loadConfig({ ...env }, 'cli');
      if (!config.jira) throw new Error('no Jira config');
      const service = new JiraService({ database: open, config: config.jira, log: silentLogger });
      const direct = await service.report(
        'default',
        { report: 'velocity', sprints: 5 },
        { board: 1, timezone: 'UTC' },
      );
      expect(printed.numbers).toEqual(JSON.parse(JSON.stringify(direct.numbers)));
    } finally {
      await open.close();
    }
  });

  it('writes the chart with --chart and prints the report for people without --json', async () => {
    const chart = join(directory, 'burndown.png');
    const sprint = await chatops(['jira', 'sprint', '--chart', chart], env);
    expect(sprint.code).toBe(0);
    expect(sprint.stdout).toMatch(/^OPS Sprint 9 on OPS board: [\d.]+ of [\d.]+ committed points done/);
    expect(sprint.stdout).toContain('Committed: ');
    expect(readFileSync(chart).subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  });

  it('answers a bad request with what to fix', async () => {
    const bad = await chatops(['jira', 'velocity', '--sprints', 'many'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--sprints must be a whole number, not "many"');
    const unknown = await chatops(['jira', 'burnup'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: chatops jira <sprint|velocity|cycle-time');
    const off = await chatops(['jira', 'sprint'], { DATABASE_URL: database.url });
    expect(off.stderr).toContain('JIRA_HOST is not set');
  });
});
