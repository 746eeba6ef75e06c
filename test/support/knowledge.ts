import { loadConfig } from '../../src/config/load-config.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import type { ReaderScope } from '../../src/knowledge/domain.ts';
import type { EmbeddingProvider } from '../../src/knowledge/embed/provider.ts';
import { KnowledgeService } from '../../src/knowledge/service.ts';
import type { SafeFetchOptions } from '../../src/knowledge/sources/safe-fetch.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import type { DatabaseKind } from './harness.ts';
import { createTestDatabase, type TestDatabase } from './services.ts';

export const FORMATS = new URL('../fixtures/knowledge/formats/', import.meta.url).pathname;

/** A migrated database of either kind and a knowledge service on it, for service-level tests. */
export async function knowledgeDatabase(
  kind: DatabaseKind,
  options: {
    provider?: EmbeddingProvider;
    download?: Partial<SafeFetchOptions>;
    env?: Record<string, string>;
  } = {},
): Promise<{ database: Database; service: KnowledgeService; close(): Promise<void> }> {
  const server: TestDatabase | null = kind === 'postgresql' ? await createTestDatabase() : null;
  const database = await openDatabase(
    server ? { kind: 'postgresql', url: server.url, poolMax: 4 } : { kind: 'pglite', dataDir: 'memory://' },
  );
  await database.migrate();
  const config = loadConfig({ CHATOPS_DATA_DIR: 'memory://', ...options.env }, 'cli');
  const service = new KnowledgeService({
    database,
    config: config.knowledge,
    log: silentLogger,
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.download ? { download: options.download } : {}),
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

export function scope(overrides: Partial<ReaderScope> = {}): ReaderScope {
  return {
    tenantId: 'acme',
    platform: 'api',
    channel: 'api:general',
    readers: ['bob'],
    admin: false,
    ...overrides,
  };
}

/**
 * A deterministic stand-in for a hosted semantic model (64 dimensions): vectors from letter frequencies,
 * so re-embedding really changes the vectors and their size.
 */
export class LetterEmbeddings implements EmbeddingProvider {
  readonly name = 'letters';
  readonly model = 'letters-64';
  readonly dimensions = 64;
  calls = 0;

  async embed(texts: readonly string[]): Promise<number[][]> {
    this.calls += 1;
    return texts.map((text) => {
      const vector = new Array(64).fill(0);
      for (const char of text.toLowerCase()) vector[char.charCodeAt(0) % 64] += 1;
      const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
      return vector.map((value) => value / norm);
    });
  }
}
