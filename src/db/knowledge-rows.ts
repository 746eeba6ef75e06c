import type { Collection, SourceSpec, StoredDocument } from '../knowledge/domain.ts';

/** Rows of the knowledge tables as both drivers return them, mapped to their types. */
/** A PostgreSQL text[] as the drivers return it (an array, or PGlite's `{a,b}` text). */
export function textArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.startsWith('{')) {
    const inner = value.slice(1, -1);
    if (!inner) return [];
    return inner.split(',').map((item) => item.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'));
  }
  return [];
}

function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export function toCollection(row: Record<string, unknown>): Collection {
  return {
    id: String(row.id),
    tenantId: String(row.tenant_id),
    name: String(row.name),
    description: String(row.description ?? ''),
    access: {
      visibility: row.visibility === 'restricted' ? 'restricted' : 'tenant',
      channels: textArray(row.read_channels),
      roles: textArray(row.read_roles),
      editorRoles: textArray(row.editor_roles),
    },
    embedding: {
      provider: String(row.embedding_provider),
      model: String(row.embedding_model),
      dimensions: Number(row.dimensions),
    },
    sources: json<SourceSpec[]>(row.sources, []),
    createdAt: iso(row.created_at),
  };
}

export function toDocument(row: Record<string, unknown>): StoredDocument {
  return {
    id: String(row.id),
    collectionId: String(row.collection_id),
    source: String(row.source),
    uri: String(row.uri),
    title: String(row.title),
    contentHash: String(row.content_hash),
    mimeType: String(row.mime_type),
    version: Number(row.version),
    chunks: Number(row.chunks),
    ingestedAt: iso(row.ingested_at),
  };
}
