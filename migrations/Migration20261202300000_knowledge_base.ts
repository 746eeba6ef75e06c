import { Migration } from '@mikro-orm/migrations';

/**
 * The knowledge base: collections (with who may read and edit them, and which embedding model and vector
 * size their chunks use), documents (one per source URI, with a content hash and version), chunks (text,
 * heading path, a generated English `tsvector` with a GIN index) and their embeddings in a table of their
 * own. Vectors have no fixed size in the column, because each collection stores its own dimension; the HNSW
 * cosine index is a partial expression index per dimension (512, the offline default, here; others are
 * created when a collection with that size is made). Answers and 👍/👎 feedback are kept for evaluation.
 */
export class Migration20261202300000KnowledgeBase extends Migration {
  override name = 'Migration20261202300000_knowledge_base';

  override up(): void {
    this.addSql(`create table kb_collections (
      id uuid primary key,
      tenant_id text not null,
      name text not null,
      description text not null default '',
      visibility text not null check (visibility in ('tenant', 'restricted')),
      read_channels text[] not null default '{}',
      read_roles text[] not null default '{}',
      editor_roles text[] not null default '{}',
      embedding_provider text not null,
      embedding_model text not null,
      dimensions integer not null,
      sources jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint kb_collections_name_unique unique (tenant_id, name)
    );`);
    this.addSql(`create table kb_documents (
      id uuid primary key,
      collection_id uuid not null constraint kb_documents_collection_id_foreign references kb_collections (id) on delete cascade,
      tenant_id text not null,
      source text not null,
      uri text not null,
      title text not null,
      content_hash text not null,
      mime_type text not null,
      version integer not null default 1,
      chunks integer not null default 0,
      ingested_at timestamptz not null default now(),
      constraint kb_documents_uri_unique unique (collection_id, uri)
    );`);
    this.addSql('create index kb_documents_hash_index on kb_documents (collection_id, content_hash);');
    this.addSql(`create table kb_chunks (
      id uuid primary key,
      document_id uuid not null constraint kb_chunks_document_id_foreign references kb_documents (id) on delete cascade,
      collection_id uuid not null,
      tenant_id text not null,
      position integer not null,
      heading_path text[] not null default '{}',
      heading text not null default '',
      page integer null,
      text text not null,
      search tsvector generated always as (setweight(to_tsvector('english'::regconfig, heading), 'A') || setweight(to_tsvector('english'::regconfig, text), 'B')) stored
    );`);
    this.addSql('create index kb_chunks_document_index on kb_chunks (document_id, position);');
    this.addSql('create index kb_chunks_collection_index on kb_chunks (collection_id);');
    this.addSql('create index kb_chunks_search_index on kb_chunks using gin (search);');
    this.addSql(`create table kb_embeddings (
      chunk_id uuid primary key constraint kb_embeddings_chunk_id_foreign references kb_chunks (id) on delete cascade,
      collection_id uuid not null,
      dimensions integer not null,
      embedding vector not null
    );`);
    this.addSql('create index kb_embeddings_collection_index on kb_embeddings (collection_id);');
    this.addSql(
      'create index kb_embeddings_hnsw_512 on kb_embeddings using hnsw ((embedding::vector(512)) vector_cosine_ops) with (m = 32, ef_construction = 100) where dimensions = 512;',
    );
    this.addSql(`create table kb_answers (
      message_id uuid primary key,
      tenant_id text not null,
      question text not null,
      answer text not null,
      mode text not null,
      model text null,
      sources jsonb not null default '[]',
      collections text[] not null default '{}',
      created_at timestamptz not null default now()
    );`);
    this.addSql(`create table feedback (
      id uuid primary key,
      tenant_id text not null,
      message_id uuid not null,
      platform text not null,
      channel text not null,
      user_id text not null,
      vote text not null check (vote in ('up', 'down')),
      skill text null,
      question text null,
      answer text not null,
      sources jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint feedback_vote_unique unique (message_id, user_id)
    );`);
    this.addSql('create index feedback_tenant_index on feedback (tenant_id, created_at);');
  }

  override down(): void {
    for (const table of [
      'feedback',
      'kb_answers',
      'kb_embeddings',
      'kb_chunks',
      'kb_documents',
      'kb_collections',
    ]) {
      this.addSql(`drop table if exists ${table} cascade;`);
    }
  }
}
