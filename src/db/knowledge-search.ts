import type {
  EmbeddingIdentity,
  QueryTerm,
  ReaderScope,
  SearchMode,
  SearchRow,
} from '../knowledge/domain.ts';
import type { Database } from './database.ts';
import {
  type Candidate,
  DEFAULT_TUNING,
  type FusedCandidate,
  fuse,
  type RankingTuning,
  textRankingCtes,
} from './knowledge-ranking.ts';
import { textArray, vectorSize } from './knowledge-store.ts';

export interface ReadableCollection {
  id: string;
  name: string;
  embedding: EmbeddingIdentity;
}

export interface SearchRequest {
  scope: ReaderScope;
  /** Only collections embedded with this model (and so this vector size) are searched by this statement. */
  embedding: EmbeddingIdentity;
  vector: number[] | null;
  /** The full-text side: the question's terms (and related ones, weighted lower); empty for none. */
  terms: readonly QueryTerm[];
  mode: SearchMode;
  k: number;
  /** Only these collections (by name), still subject to the scope. */
  collections?: readonly string[];
  /** Candidates taken from each ranking before fusion. */
  candidates?: number;
  efSearch?: number;
  /** Overrides of the ranking's parameters (the evaluation's experiments); the defaults otherwise. */
  tuning?: Partial<RankingTuning>;
}

/**
 * The collections a reader scope may read, as a SQL condition on `c` (kb_collections). Parameters:
 * $1 tenant, $2 channel key, $3 platform, $4 readers (text[] or null), $5 admin.
 */
export const READABLE_COLLECTIONS = `c.tenant_id = $1 and (
    $5::boolean
    or c.visibility = 'tenant'
    or ($2::text is not null and $2::text = any(c.read_channels))
    or ($4::text[] is not null and cardinality($4::text[]) > 0 and cardinality(c.read_roles) > 0
        and not exists (
          select 1 from unnest($4::text[]) as reader(id)
          where not exists (
            select 1 from users u join user_roles r on r.user_id = u.id
            where u.tenant_id = c.tenant_id and u.platform = $3::text and u.external_id = reader.id
              and r.role = any(c.read_roles)))))`;

export function scopeParams(scope: ReaderScope): unknown[] {
  return [
    scope.tenantId,
    scope.channel,
    scope.platform,
    scope.readers === null ? null : [...scope.readers],
    scope.admin,
  ];
}

/**
 * The knowledge base's reads, with the access rule inside the SQL: every statement starts from the
 * collections the reader scope may read, so a restricted collection's chunks never leave the database for
 * a channel or person without access, whatever the query text.
 */
export class KnowledgeSearch {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  /** Names and embedding sizes of the collections the scope may read. */
  async readable(scope: ReaderScope): Promise<ReadableCollection[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `select c.id, c.name, c.embedding_provider, c.embedding_model, c.dimensions from kb_collections c
       where ${READABLE_COLLECTIONS} order by c.name`,
      scopeParams(scope),
    );
    return rows.map((row) => ({
      id: String(row.id),
      name: String(row.name),
      embedding: {
        provider: String(row.embedding_provider),
        model: String(row.embedding_model),
        dimensions: Number(row.dimensions),
      },
    }));
  }

  /**
   * The vector and full-text rankings run as two statements — at once on PostgreSQL (two pooled
   * connections, so a hybrid search costs the slower of the two, not their sum), one after the other on
   * PGlite — each starting from the readable collections; their candidates are fused (knowledge-ranking.ts)
   * and the winners read by a third statement that applies the access rule again.
   */
  async search(request: SearchRequest): Promise<SearchRow[]> {
    const size = vectorSize(request.embedding.dimensions);
    const tuning = { ...DEFAULT_TUNING, ...request.tuning };
    const useVector = request.mode !== 'fulltext' && request.vector !== null;
    const useText = request.mode !== 'vector' && request.terms.length > 0;
    if (!useVector && !useText) return [];
    const candidates = request.candidates ?? Math.max(50, request.k * 4);
    const scope = [
      ...scopeParams(request.scope),
      request.collections ? [...request.collections] : null,
      request.embedding.provider,
      request.embedding.model,
    ];
    const vector = async () =>
      useVector
        ? this.#vectorCandidates(
            size,
            [...scope, `[${(request.vector ?? []).join(',')}]`, candidates],
            request.efSearch ?? candidates * 2,
          )
        : [];
    const text = async () =>
      useText
        ? this.#textCandidates(size, tuning, [
            ...scope,
            JSON.stringify(request.terms),
            candidates,
            tuning.perTerm,
          ])
        : [];
    const [byVector, byText] =
      this.#database.kind === 'postgresql'
        ? await Promise.all([vector(), text()])
        : [await vector(), await text()];
    const fused = fuse(byVector, byText, tuning, request.k);
    if (fused.length === 0) return [];
    const rows = await this.#database.sql<Record<string, unknown>>(
      `with ${readableCte(size)}
       select k.id as chunk_id, k.text, k.heading_path, k.page, d.id as document_id, d.uri, d.title, r.name as collection
       from kb_chunks k
       join kb_documents d on d.id = k.document_id
       join readable r on r.id = k.collection_id
       where k.id = any($9::uuid[])`,
      [...scope, fused.map((candidate) => candidate.chunkId)],
    );
    const byId = new Map(rows.map((row) => [String(row.chunk_id), row]));
    return fused.flatMap((candidate) => {
      const row = byId.get(candidate.chunkId);
      return row ? [toRow(row, candidate)] : [];
    });
  }

  async #vectorCandidates(size: number, params: unknown[], efSearch: number): Promise<Candidate[]> {
    const distance = `e.embedding::vector(${size}) <=> $9::vector(${size})`;
    const rows = await this.#database.transaction(async (sql) => {
      // Restricted scopes filter the index's candidates: keep scanning until enough are found.
      await sql(`set local hnsw.ef_search = ${Math.max(40, Math.min(1000, Math.round(efSearch)))}`);
      await sql(`set local hnsw.iterative_scan = relaxed_order`);
      return sql<Record<string, unknown>>(
        `with ${readableCte(size)}
         select n.chunk_id, n.similarity, k.document_id from (
           select e.chunk_id, 1 - (${distance}) as similarity
           from kb_embeddings e
           where e.dimensions = ${size} and e.collection_id = any(array(select id from readable))
           order by ${distance} limit $10::int) n
         join kb_chunks k on k.id = n.chunk_id
         order by n.similarity desc`,
        params,
      );
    });
    return rows.map((row) => ({
      chunkId: String(row.chunk_id),
      documentId: String(row.document_id),
      score: Number(row.similarity),
    }));
  }

  async #textCandidates(size: number, tuning: RankingTuning, params: unknown[]): Promise<Candidate[]> {
    const rows = await this.#database.sql<Record<string, unknown>>(
      `with ${readableCte(size)},
       ${textRankingCtes(tuning, { terms: '$9', candidates: '$10', perTerm: '$11' })}
       select t.chunk_id, t.text_rank, k.document_id from by_text t join kb_chunks k on k.id = t.chunk_id
       order by t.text_rank desc, t.chunk_id`,
      params,
    );
    return rows.map((row) => ({
      chunkId: String(row.chunk_id),
      documentId: String(row.document_id),
      score: Number(row.text_rank),
    }));
  }
}

/**
 * The collections of one vector size and model the scope may read, optionally only some of them by name.
 * Parameters: $1-$5 the scope, $6 collection names (text[] or null), $7 provider, $8 model.
 */
function readableCte(size: number): string {
  return `readable as (
        select c.id, c.name from kb_collections c
        where ${READABLE_COLLECTIONS} and c.dimensions = ${size} and c.embedding_provider = $7 and c.embedding_model = $8
          and ($6::text[] is null or c.name = any($6::text[])))`;
}

function toRow(row: Record<string, unknown>, ranked: FusedCandidate): SearchRow {
  return {
    chunkId: ranked.chunkId,
    documentId: String(row.document_id),
    collection: String(row.collection),
    uri: String(row.uri),
    title: String(row.title),
    headingPath: textArray(row.heading_path),
    page: row.page === null || row.page === undefined ? null : Number(row.page),
    text: String(row.text),
    score: ranked.score,
    similarity: ranked.similarity,
    textRank: ranked.textRank,
  };
}
