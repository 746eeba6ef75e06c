import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { vector } from '@electric-sql/pglite-pgvector';
import type { MikroORM, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgliteOrm } from '@mikro-orm/pglite';
import { MikroORM as PostgresOrm } from '@mikro-orm/postgresql';
import type { AbstractSqlConnection, EntityManager } from '@mikro-orm/sql';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Pool } from 'pg';
import { migrations } from '../../migrations/index.ts';
import type { Config } from '../config/load-config.ts';
import { ChatOpsError } from '../core/errors.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { entities } from './entities/index.ts';

export type DatabaseSettings = Config['database'];

/**
 * One handle on the database for the whole process: the ORM (entities, migrations, admin queries) and a
 * parameterised SQL function for the few hot statements on the message path, where one round trip
 * matters more than the unit of work.
 */
export interface Database {
  readonly kind: 'postgresql' | 'pglite';
  readonly orm: MikroORM;
  /** A fresh EntityManager; fork one per job or request. */
  em(): EntityManager;
  /** Runs one parameterised statement ($1, $2, …) and returns its rows. */
  sql<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs statements in one transaction (committed when `work` resolves, rolled back when it throws). Use
   * only the `sql` it is given inside: on PGlite another query would wait for the transaction forever.
   */
  transaction<T>(work: (sql: SqlFunction) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type SqlFunction = <Row = Record<string, unknown>>(
  text: string,
  params?: readonly unknown[],
) => Promise<Row[]>;

export async function openDatabase(
  settings: DatabaseSettings,
  options: { debug?: boolean } = {},
): Promise<Database> {
  const common = {
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: migrations,
      snapshot: false,
      silent: true,
      tableName: 'mikro_orm_migrations',
    },
    debug: options.debug ?? false,
    allowGlobalContext: false,
  } satisfies Partial<Options>;
  let release = () => {};
  let orm: MikroORM;
  try {
    if (settings.kind === 'postgresql') {
      orm = await PostgresOrm.init({
        ...common,
        clientUrl: settings.url,
        pool: { min: 0, max: settings.poolMax },
      });
    } else {
      const dataDir = resolve(settings.dataDir, 'pglite');
      const inMemory = settings.dataDir.startsWith('memory://');
      if (!inMemory) {
        // The lock sits beside PGlite's cluster directory: PGlite refuses a non-empty new directory.
        mkdirSync(settings.dataDir, { recursive: true });
        release = acquireDataDirLock(resolve(settings.dataDir));
      }
      orm = await PgliteOrm.init({
        ...common,
        dbName: 'postgres',
        driverOptions: { dataDir: inMemory ? 'memory://' : dataDir, extensions: { vector } },
      });
    }
  } catch (error) {
    release();
    throw databaseUnavailable(settings, error);
  }
  const client = () => (orm.em.getConnection() as AbstractSqlConnection).getClient() as Kysely<unknown>;
  const hotPath = settings.kind === 'postgresql' ? await preparedStatements(orm) : null;
  const database: Database = {
    kind: settings.kind,
    orm,
    em: () => orm.em.fork() as EntityManager,
    async sql<Row>(text: string, params: readonly unknown[] = []) {
      if (hotPath) return hotPath<Row>(text, params);
      const result = await client().executeQuery(CompiledQuery.raw(text, [...params]));
      return result.rows as Row[];
    },
    async transaction<T>(work: (sql: SqlFunction) => Promise<T>): Promise<T> {
      return orm.em.fork().transactional(async (em) => {
        const kysely = (em as EntityManager).getKysely();
        const sql: SqlFunction = async <Row>(text: string, params: readonly unknown[] = []) => {
          const result = await kysely.executeQuery(CompiledQuery.raw(text, [...params]));
          return result.rows as Row[];
        };
        return work(sql);
      });
    },
    async migrate() {
      const applied = await orm.migrator.up();
      return applied.map((migration) => migration.name);
    },
    async ping() {
      await database.sql('select 1');
    },
    async close() {
      try {
        await orm.close(true);
      } finally {
        release();
      }
    },
  };
  // PGlite and pg connect lazily; fail at start-up, with a remedy, rather than on the first message.
  await database.ping().catch(async (error: unknown) => {
    await database.close().catch(() => {});
    throw databaseUnavailable(settings, error);
  });
  return database;
}

type PreparedQuery = <Row>(text: string, params: readonly unknown[]) => Promise<Row[]>;

/**
 * The hot statements run as named prepared statements on the ORM's own pg pool: PostgreSQL parses and
 * plans each one once per connection instead of on every message, which is most of their server CPU.
 */
async function preparedStatements(orm: MikroORM): Promise<PreparedQuery> {
  const connection = orm.em.getConnection() as unknown as { getNativeClient(): Promise<Pool> };
  const pool = await connection.getNativeClient();
  const names = new Map<string, string>();
  return async <Row>(text: string, params: readonly unknown[]) => {
    let name = names.get(text);
    if (!name) {
      name = `chatops_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    const result = await pool.query({ name, text, values: [...params] });
    return result.rows as Row[];
  };
}

function databaseUnavailable(settings: DatabaseSettings, error: unknown): ChatOpsError {
  if (error instanceof ChatOpsError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const remedy =
    settings.kind === 'postgresql'
      ? 'Check that PostgreSQL is running and DATABASE_URL is right (host, port, user, database), or unset DATABASE_URL to use the embedded database.'
      : `Check that CHATOPS_DATA_DIR (${settings.dataDir}) is writable and not corrupted; delete it to start afresh.`;
  return new ChatOpsError('DEPENDENCY_UNAVAILABLE', `Cannot open the ${settings.kind} database: ${reason}.`, {
    remedy,
    cause: error,
  });
}
