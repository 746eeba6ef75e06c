import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../support/knowledge.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';

// `chatops kb …` as an operator runs it, on PostgreSQL (each call is a process start: generous timeouts).
const BIN = new URL('../../bin/chatops.js', import.meta.url).pathname;

describe('chatops kb', () => {
  let database: TestDatabase;
  const kb = (...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, 'kb', ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('ingests a folder of every format, then searches, asks, lists and deletes', () => {
    const ingested = kb('ingest', FORMATS, '--collection', 'handbook', '--json');
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(JSON.parse(ingested.stdout)).toMatchObject({ collection: 'handbook', added: 5, failed: [] });

    const searched = kb(
      'search',
      'how do I roll back a bad release?',
      '--collection',
      'handbook',
      '--k',
      '2',
      '--json',
    );
    expect(searched.code, searched.stderr).toBe(0);
    const { results } = JSON.parse(searched.stdout);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      rank: 1,
      collection: 'handbook',
      uri: join(FORMATS, 'deploy-guide.html'),
      title: 'Deploy guide',
      headingPath: ['Deploy guide', 'Rollback'],
    });
    expect(results[0].score).toBeGreaterThan(0);
    expect(results[0].snippet).toContain('kubectl rollout undo');

    const asked = kb('ask', 'how often are service account passwords rotated?', '--json');
    expect(asked.code, asked.stderr).toBe(0);
    expect(JSON.parse(asked.stdout)).toMatchObject({
      mode: 'extractive',
      sources: [expect.objectContaining({ page: 2 })],
    });
    expect(kb('ask', 'how often are service account passwords rotated?').stdout).toMatch(/90 days.*\[1\]/);

    const listed = kb('list');
    expect(listed.stdout).toMatch(
      /^handbook\t5 documents\t\d+ chunks\ttenant\thashing\/hashed-trigrams-v1\/512$/m,
    );
    expect(kb('list', '--collection', 'handbook').stdout).toContain('runbook.md\tv1');
    expect(kb('delete', '--collection', 'handbook', '--document', join(FORMATS, 'runbook.md')).code).toBe(0);
    expect(kb('list', '--collection', 'handbook').stdout).not.toContain('runbook.md');
    expect(kb('reembed').stdout).toContain('already uses the configured embedding model');
  }, 240_000);

  it('refuses what it must, with the remedy', () => {
    const fileUrl = kb('ingest', 'file:///etc/passwd', '--collection', 'x');
    expect(fileUrl.code).toBe(1);
    expect(fileUrl.stderr).toMatch(/only http\(s\) URLs, GitHub repositories and local paths/);
    const metadata = kb('ingest', 'http://169.254.169.254/latest/meta-data/', '--collection', 'x');
    expect(metadata.code).toBe(1);
    expect(metadata.stderr).toMatch(/link-local/);
    const badCron = kb('schedule', 'handbook', '--cron', '0 25 * * *');
    expect(badCron.code).toBe(1);
    expect(badCron.stderr).toMatch(/hour "25" is outside 0-23/);
    const schedule = kb('schedule', 'handbook', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin');
    expect(schedule.stderr).toBe('');
    expect(schedule.stdout).toMatch(/^Scheduled \S+: 0 3 \* \* \* \(Europe\/Berlin\); next 20\d\d-/);
    expect(kb('search', 'x', '--collection', 'nope').stderr).toMatch(
      /There is no collection "nope"\.\nKnown collections: /,
    );
    expect(kb().code).toBe(2);
  }, 180_000);
});
