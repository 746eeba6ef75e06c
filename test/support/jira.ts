import { loadConfig } from '../../src/config/load-config.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { JiraService } from '../../src/integrations/jira/service.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { generateWorld } from './fake-jira/generate.ts';
import { type FakeJira, type FakeJiraOptions, startFakeJira } from './fake-jira/server.ts';
import type { DatabaseKind } from './harness.ts';
import { createTestDatabase, type TestDatabase } from './services.ts';

export const JIRA_CREDENTIALS = { email: 'bot@example.com', token: 'jira-test-token-0000' };

/** The environment that points the bot at a fake Jira (as a person would set it for a real one). */
export function jiraEnv(fake: FakeJira, extra: Record<string, string> = {}): Record<string, string> {
  return {
    JIRA_HOST: fake.url,
    JIRA_EMAIL: JIRA_CREDENTIALS.email,
    JIRA_API_TOKEN: JIRA_CREDENTIALS.token,
    JIRA_DEFAULT_BOARD: String(fake.world.boards[0]?.id ?? 1),
    JIRA_DEFAULT_PROJECT: fake.world.boards[0]?.projectKey ?? 'OPS',
    ...extra,
  };
}

/** A fake Jira with a generated team history (two hours old, so nothing counts as just updated). */
export async function fakeJiraWith(
  world: { seed?: number; issues?: number; closedSprints?: number; now?: number } = {},
  options: Omit<FakeJiraOptions, 'world'> = {},
): Promise<FakeJira> {
  return startFakeJira({
    world: generateWorld({
      seed: world.seed ?? 42,
      issues: world.issues ?? 240,
      closedSprints: world.closedSprints ?? 6,
      now: world.now ?? Date.now() - 2 * 3_600_000,
    }),
    credentials: JIRA_CREDENTIALS,
    ...options,
  });
}

/** A migrated database of either kind and a Jira service pointed at the fake. */
export async function jiraService(
  kind: DatabaseKind,
  fake: FakeJira,
  options: { env?: Record<string, string>; sleep?: (milliseconds: number) => Promise<void> } = {},
): Promise<{ database: Database; service: JiraService; close(): Promise<void> }> {
  const server: TestDatabase | null = kind === 'postgresql' ? await createTestDatabase() : null;
  const database = await openDatabase(
    server ? { kind: 'postgresql', url: server.url, poolMax: 4 } : { kind: 'pglite', dataDir: 'memory://' },
  );
  await database.migrate();
  const config = loadConfig({ CHATOPS_DATA_DIR: 'memory://', ...jiraEnv(fake), ...options.env }, 'cli');
  if (!config.jira) throw new Error('JIRA_HOST did not configure Jira');
  const service = new JiraService({
    database,
    config: config.jira,
    log: silentLogger,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return {
    database,
    service,
    async close() {
      await database.close();
      await server?.drop();
    },
  };
}
