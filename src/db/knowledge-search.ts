import type { EmbeddingIdentity, ReaderScope, SearchMode, SearchRow } from '../knowledge/domain.ts';
import type { Database } from './database.ts';
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
  /** An OR query of the question's words (`to_tsquery` syntax), or '' for none. */
  textQuery: string;
  /** The selective first pass (passages with two of the words), or '' to go straight to `textQuery`. */
  pairQuery?: string;
  mode: SearchMode;
  k: number;
  /** Only these collections (by name), still subject to the scope. */
  collections?: readonly string[];
  /** Candidates taken from each ranking before fusion. */
  candidates?: number;
  efSearch?: number;
}

/** Reciprocal rank fusion constant (Cormack et al., 2009): 60 keeps one ranking from dominating. */
const RRF_K = 60;
/** At most this many full-text matches are ranked per pass. */
const RANKED_MATCHES = 2000;

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

  async search(request: SearchRequest): Promise<SearchRow[]> {
    const size = vectorSize(request.embedding.dimensions);
    const useVector = request.mode !== 'fulltext' && request.vector !== null;
    const useText = request.mode !== 'vector' && request.textQuery.trim() !== '';
    if (!useVector && !useText) return [];
    const candidates = request.candidates ?? Math.max(50, request.k * 4);
    const distance = `e.embedding::vector(${size}) <=> $6::vector(${size})`;
    const vectorCte = useVector
      ? `select chunk_id, similarity, row_number() over (order by distance) as rank from (
           select e.chunk_id, ${distance} as distance, 1 - (${distance}) as similarity
           from kb_embeddings e
           where e.dimensions = ${size} and e.collection_id = any(array(select id from readable))
           order by ${distance} limit $8) nearest`
      : 'select null::uuid as chunk_id, 0::float8 as similarity, 0::bigint as rank where false';
    // Ranking reads every matching passage's tsvector; a bounded sample of matches is ranked, so a
    // question of common words costs the same on 100,000 chunks as on 1,000.
    const rank = (parameter: string, condition: string) => `
           select m.chunk_id, ts_rank_cd(m.search, m.query, 32) as text_rank from (
             select k.id as chunk_id, k.search, q.query
             from kb_chunks k, to_tsquery('english', ${parameter}) as q(query)
             where k.search @@ q.query and k.collection_id = any(array(select id from readable)) ${condition}
             limit ${RANKED_MATCHES}) m`;
    // Two passes: passages with two of the words first; the OR query only when those are too few (a
    // one-time filter, so PostgreSQL skips that scan entirely otherwise).
    const textCtes = useText
      ? `strict as (${rank('$13', "and $13::text <> ''")} order by text_rank desc limit $8),
         loose as (${rank('$7', 'and (select count(*) from strict) < $9 and k.id not in (select chunk_id from strict)')}
           order by text_rank desc limit $8),
         by_text as (select chunk_id, text_rank, row_number() over (order by text_rank desc, chunk_id) as rank
           from (select * from strict union all select * from loose) matches),`
      : 'by_text as (select null::uuid as chunk_id, 0::float8 as text_rank, 0::bigint as rank where false),';
    // Every parameter is named once with its type, so a mode that leaves one out still prepares.
    const statement = `
      with typed as (select $6::text as vector, $7::text as text_query, $8::int as candidates, $13::text as pairs),
      readable as (
        select c.id, c.name from kb_collections c
        where ${READABLE_COLLECTIONS} and c.dimensions = ${size} and c.embedding_provider = $11 and c.embedding_model = $12
          and ($10::text[] is null or c.name = any($10::text[]))
      ),
      by_vector as (${vectorCte}),
      ${textCtes}
      fused as (
        select coalesce(v.chunk_id, t.chunk_id) as chunk_id,
               coalesce(1.0 / (${RRF_K} + v.rank), 0) + coalesce(1.0 / (${RRF_K} + t.rank), 0) as score,
               coalesce(v.similarity, 0) as similarity, coalesce(t.text_rank, 0) as text_rank
        from by_vector v full outer join by_text t on t.chunk_id = v.chunk_id
      )
      select f.chunk_id, f.score, f.similarity, f.text_rank, k.text, k.heading_path, k.page,
             d.id as document_id, d.uri, d.title, r.name as collection
      from fused f
      join kb_chunks k on k.id = f.chunk_id
      join kb_documents d on d.id = k.document_id
      join readable r on r.id = k.collection_id
      order by f.score desc, f.similarity desc limit $9`;
    const params = [
      ...scopeParams(request.scope),
      useVector ? `[${(request.vector ?? []).join(',')}]` : null,
      useText ? request.textQuery : '',
      candidates,
      request.k,
      request.collections ? [...request.collections] : null,
      request.embedding.provider,
      request.embedding.model,
      useText ? (request.pairQuery ?? '') : '',
    ];
    const rows = await this.#database.transaction(async (sql) => {
      if (useVector) {
        // Restricted scopes filter the index's candidates: keep scanning until enough are found.
        await sql(
          `set local hnsw.ef_search = ${Math.max(40, Math.min(1000, request.efSearch ?? candidates * 2))}`,
        );
        await sql(`set local hnsw.iterative_scan = relaxed_order`);
      }
      return sql<Record<string, unknown>>(statement, params);
    });
    return rows.map(toRow);
  }
}

function toRow(row: Record<string, unknown>): SearchRow {
  return {
    chunkId: String(row.chunk_id),
    documentId: String(row.document_id),
    collection: String(row.collection),
    uri: String(row.uri),
    title: String(row.title),
    headingPath: textArray(row.heading_path),
    page: row.page === null || row.page === undefined ? null : Number(row.page),
    text: String(row.text),
    score: Number(row.score),
    similarity: Number(row.similarity),
    textRank: Number(row.text_rank),
  };
}
