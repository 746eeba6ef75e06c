import { ChatOpsError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import {
  type Collection,
  type CollectionAccess,
  type CollectionSummary,
  type EmbeddingIdentity,
  embeddingText,
  headingOf,
  type SourceSpec,
  type StoredDocument,
} from '../knowledge/domain.ts';
import type { Database, SqlFunction } from './database.ts';
import { hnswIndexSql } from './entities/knowledge.ts';
import { toCollection, toDocument } from './knowledge-rows.ts';
import { countsOf, type IndexedChunk, moveCounts, NO_COUNTS, writePostings } from './knowledge-terms.ts';

export { textArray } from './knowledge-rows.ts';

export interface ChunkInput {
  position: number;
  headingPath: string[];
  page: number | null;
  text: string;
  embedding: number[];
}

export interface DocumentInput {
  collection: Collection;
  source: string;
  uri: string;
  title: string;
  mimeType: string;
  contentHash: string;
  chunks: ChunkInput[];
}

const BATCH = 400;
const COLLECTION_COLUMNS = `id, tenant_id, name, description, visibility, read_channels, read_roles, editor_roles,
  embedding_provider, embedding_model, dimensions, sources, created_at`;

/**
 * Collections, documents, chunks and embeddings. Writes that must be all-or-nothing (a document's new
 * version with its chunks and vectors, a collection's re-embedding) run in one transaction, so a search
 * sees either the old version or the new one, never a mix and never a document without chunks.
 */
export class KnowledgeStore {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  get database(): Database {
    return this.#database;
  }

  async createCollection(input: {
    tenantId: string;
    name: string;
    description: string;
    access: CollectionAccess;
    embedding: EmbeddingIdentity;
  }): Promise<Collection> {
    await this.ensureVectorIndex(input.embedding.dimensions);
    const rows = await this.#database.sql<Record<string, unknown>>(
      `insert into kb_collections (id, tenant_id, name, description, visibility, read_channels, read_roles, editor_roles,
         embedding_provider, embedding_model, dimensions)
       values ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8::text[], $9, $10, $11)
       on conflict (tenant_id, name) do nothing returning ${COLLECTION_COLUMNS}`,
      [
        uuidv7(),
        input.tenantId,
        input.name,
        input.description,
        input.access.visibility,
        input.access.channels,
        input.access.roles,
        input.access.editorRoles,
        input.embedding.provider,
        input.embedding.model,
        input.embedding.dimensions,
      ],
    );
    if (!rows[0]) {
      throw new ChatOpsError('VALIDATION_FAILED', `A collection named "${input.name}" exists already.`, {
        remedy: 'Pick another name, or add documents to the existing one.',
      });
    }
    return toCollection(rows[0]);
  }

  async collection(tenantId: string, name: string): Promise<Collection | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLLECTION_COLUMNS} from kb_collections where tenant_id = $1 and name = $2`,
      [tenantId, name],
    );
    return rows[0] ? toCollection(rows[0]) : null;
  }

  async collections(tenantId: string): Promise<CollectionSummary[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select ${COLLECTION_COLUMNS.replace(/(^|, )(\w)/g, '$1c.$2')},
         (select count(*) from kb_documents d where d.collection_id = c.id)::int as document_count,
         (select count(*) from kb_chunks k where k.collection_id = c.id)::int as chunk_count
       from kb_collections c where c.tenant_id = $1 order by c.name`,
      [tenantId],
    );
    return rows.map((row) => ({
      ...toCollection(row),
      documents: Number(row.document_count),
      chunks: Number(row.chunk_count),
    }));
  }

  async setAccess(collection: Collection, access: CollectionAccess): Promise<void> {
    await this.#database.sql(
      `update kb_collections set visibility = $2, read_channels = $3::text[], read_roles = $4::text[],
         editor_roles = $5::text[], updated_at = now() where id = $1`,
      [collection.id, access.visibility, access.channels, access.roles, access.editorRoles],
    );
  }

  /** Remembers a source for re-syncs (once: the same source twice is one source). */
  async addSource(collection: Collection, source: SourceSpec): Promise<void> {
    const key = JSON.stringify(source);
    if (collection.sources.some((known) => JSON.stringify(known) === key)) return;
    collection.sources.push(source);
    await this.#database.sql(
      'update kb_collections set sources = $2::jsonb, updated_at = now() where id = $1',
      [collection.id, JSON.stringify(collection.sources)],
    );
  }

  async deleteCollection(tenantId: string, name: string): Promise<boolean> {
    const rows = await this.#database.sql(
      'delete from kb_collections where tenant_id = $1 and name = $2 returning id',
      [tenantId, name],
    );
    // Documents, chunks and embeddings go with it (foreign keys cascade).
    return rows.length > 0;
  }

  async documents(collectionId: string): Promise<StoredDocument[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select * from kb_documents where collection_id = $1 order by uri',
      [collectionId],
    );
    return rows.map(toDocument);
  }

  async documentByUri(collectionId: string, uri: string): Promise<StoredDocument | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select * from kb_documents where collection_id = $1 and uri = $2',
      [collectionId, uri],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }

  async documentByHash(collectionId: string, contentHash: string): Promise<StoredDocument | null> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      'select * from kb_documents where collection_id = $1 and content_hash = $2 limit 1',
      [collectionId, contentHash],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }

  /**
   * Stores a document's new version: the document row (version + 1 when it existed), its chunks and
   * their vectors replace the old ones in one transaction.
   */
  async replaceDocument(input: DocumentInput): Promise<StoredDocument> {
    const { collection } = input;
    return this.#database.transaction(async (sql) => {
      const [row] = await sql<Record<string, unknown>>(
        `insert into kb_documents (id, collection_id, tenant_id, source, uri, title, content_hash, mime_type, chunks)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (collection_id, uri) do update set title = excluded.title, source = excluded.source,
           content_hash = excluded.content_hash, mime_type = excluded.mime_type, chunks = excluded.chunks,
           version = kb_documents.version + 1, ingested_at = now()
         returning *`,
        [
          uuidv7(),
          collection.id,
          collection.tenantId,
          input.source,
          input.uri,
          input.title,
          input.contentHash,
          input.mimeType,
          input.chunks.length,
        ],
      );
      const document = toDocument(row ?? {});
      // The old version's share of the BM25 statistics, swapped for the new one's at the end.
      const before = document.version > 1 ? await countsOf(sql, document.id) : NO_COUNTS;
      await sql(
        'delete from kb_embeddings where chunk_id in (select id from kb_chunks where document_id = $1)',
        [document.id],
      );
      await sql('delete from kb_chunks where document_id = $1', [document.id]);
      const stored: IndexedChunk[] = [];
      for (let start = 0; start < input.chunks.length; start += BATCH) {
        stored.push(
          ...(await insertChunks(sql, collection, document.id, input.chunks.slice(start, start + BATCH))),
        );
      }
      const after = await writePostings(sql, collection.id, input.title, stored);
      await moveCounts(sql, collection.id, before, after);
      return document;
    });
  }

  async deleteDocument(collectionId: string, uri: string): Promise<boolean> {
    return this.#database.transaction(async (sql) => {
      const rows = await sql<{ id: string }>(
        'select id from kb_documents where collection_id = $1 and uri = $2',
        [collectionId, uri],
      );
      if (!rows[0]) return false;
      await moveCounts(sql, collectionId, await countsOf(sql, rows[0].id), NO_COUNTS);
      await sql(
        'delete from kb_embeddings where chunk_id in (select id from kb_chunks where document_id = $1)',
        [rows[0].id],
      );
      await sql('delete from kb_documents where id = $1', [rows[0].id]);
      return true;
    });
  }

  /**
   * Re-embeds every chunk of a collection with a new model, atomically: searches use the old vectors
   * until the new ones are all stored, then the collection's identity changes with them.
   */
  async reembed(
    collection: Collection,
    identity: EmbeddingIdentity,
    embed: (texts: string[]) => Promise<number[][]>,
    progress: (done: number, total: number) => Promise<void> = async () => {},
  ): Promise<number> {
    await this.ensureVectorIndex(identity.dimensions);
    return this.#database.transaction(async (sql) => {
      const [{ total } = { total: 0 }] = await sql<{ total: number }>(
        'select count(*)::int as total from kb_chunks where collection_id = $1',
        [collection.id],
      );
      await sql('delete from kb_embeddings where collection_id = $1', [collection.id]);
      let done = 0;
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows = await sql<{ id: string; heading: string; text: string }>(
          'select id, heading, text from kb_chunks where collection_id = $1 and id > $2 order by id limit $3',
          [collection.id, after, BATCH],
        );
        if (rows.length === 0) break;
        const vectors = await embed(rows.map((row) => embeddingText(row.heading, row.text)));
        await insertEmbeddings(
          sql,
          collection.id,
          identity.dimensions,
          rows.map((row, index) => ({ id: row.id, embedding: vectors[index] ?? [] })),
        );
        done += rows.length;
        after = rows.at(-1)?.id ?? after;
        await progress(done, Number(total));
      }
      await sql(
        `update kb_collections set embedding_provider = $2, embedding_model = $3, dimensions = $4, updated_at = now()
         where id = $1`,
        [collection.id, identity.provider, identity.model, identity.dimensions],
      );
      return done;
    });
  }

  /** The HNSW cosine index for a vector size (the migration made the one for 512). */
  async ensureVectorIndex(dimensions: number): Promise<void> {
    const size = vectorSize(dimensions);
    await this.#database.sql(hnswIndexSql(size, { ifNotExists: true }));
  }
}

/** A vector size as it may appear in SQL text (the partial index predicate must be a literal). */
export function vectorSize(dimensions: number): number {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) {
    throw new ChatOpsError('VALIDATION_FAILED', `${dimensions} is not a vector size pgvector can index.`, {
      remedy: 'Use an embedding model with 1 to 2000 dimensions (KB_EMBEDDING_DIMENSIONS).',
    });
  }
  return dimensions;
}

async function insertChunks(
  sql: SqlFunction,
  collection: Collection,
  documentId: string,
  chunks: readonly ChunkInput[],
): Promise<IndexedChunk[]> {
  const rows = chunks.map((chunk) => ({
    id: uuidv7(),
    position: chunk.position,
    heading_path: chunk.headingPath,
    heading: headingOf(chunk.headingPath),
    page: chunk.page,
    text: chunk.text,
  }));
  await sql(
    `insert into kb_chunks (id, document_id, collection_id, tenant_id, position, heading_path, heading, page, text)
     select x.id, $2, $3, $4, x.position, x.heading_path, x.heading, x.page, x.text
     from jsonb_to_recordset($1::jsonb) as x(id uuid, position integer, heading_path text[], heading text, page integer, text text)`,
    [JSON.stringify(rows), documentId, collection.id, collection.tenantId],
  );
  await insertEmbeddings(
    sql,
    collection.id,
    collection.embedding.dimensions,
    chunks.map((chunk, index) => ({ id: rows[index]?.id ?? '', embedding: chunk.embedding })),
  );
  return rows;
}

async function insertEmbeddings(
  sql: SqlFunction,
  collectionId: string,
  dimensions: number,
  rows: readonly { id: string; embedding: number[] }[],
): Promise<void> {
  for (const row of rows) {
    if (row.embedding.length !== dimensions) {
      throw new ChatOpsError(
        'VALIDATION_FAILED',
        `An embedding has ${row.embedding.length} dimensions, not ${dimensions}.`,
        {
          remedy: 'The embedding model changed: run `chatops kb reembed`.',
        },
      );
    }
  }
  await sql(
    `insert into kb_embeddings (chunk_id, collection_id, dimensions, embedding)
     select x.id, $2, $3, x.embedding::vector from jsonb_to_recordset($1::jsonb) as x(id uuid, embedding text)`,
    [
      JSON.stringify(rows.map((row) => ({ id: row.id, embedding: `[${row.embedding.join(',')}]` }))),
      collectionId,
      dimensions,
    ],
  );
}
