import type { Platform } from '../core/task.ts';

/**
 * The knowledge base's domain: collections (who may read them, how they are embedded, where their documents
 * come from), stored documents, who is reading, and what a search finds. src/db stores them (knowledge-*.ts)
 * and imports them from here; nothing in src/knowledge takes a shape from src/db.
 */
/** Who may read a collection, and who may add to it. */
export interface CollectionAccess {
  /** `tenant`: everyone in the tenant; `restricted`: only the channels and roles named. */
  visibility: 'tenant' | 'restricted';
  /** `platform:channel` keys whose members may read it there (`api:ops`, `slack:C0123ABCDEF`). */
  channels: string[];
  roles: string[];
  /** Roles that may add documents from chat; empty means anyone who may read it. */
  editorRoles: string[];
}

/** Where a collection's documents come from, remembered for re-syncs. */
export type SourceSpec =
  | { kind: 'path'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'github'; owner: string; repo: string; ref?: string; path?: string; include?: string };

/** The model a collection's vectors were made with: vectors of different models are never compared. */
export interface EmbeddingIdentity {
  provider: string;
  model: string;
  dimensions: number;
}

export interface Collection {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  access: CollectionAccess;
  embedding: EmbeddingIdentity;
  sources: SourceSpec[];
  createdAt: string;
}

export interface CollectionSummary extends Collection {
  documents: number;
  chunks: number;
}

export interface StoredDocument {
  id: string;
  collectionId: string;
  source: string;
  uri: string;
  title: string;
  contentHash: string;
  mimeType: string;
  version: number;
  chunks: number;
  ingestedAt: string;
}

/** Who is reading, and where: every search is limited to the collections this scope may read. */
export interface ReaderScope {
  tenantId: string;
  platform: Platform;
  /** `platform:channel` of the place asking, or null (a DM, the CLI, a REST call without a channel). */
  channel: string | null;
  /**
   * The people who will see the answer: every one of them must be able to read a role-restricted
   * collection. Null when unknown (a channel whose members the platform does not tell): then only
   * collections open to the tenant or to that channel are read.
   */
  readers: readonly string[] | null;
  /** Operators (CLI, REST without a place) read every collection of the tenant. */
  admin: boolean;
}

export type SearchMode = 'hybrid' | 'vector' | 'fulltext';

/** A term of the full-text side of a question, weighted (synonyms count less than the asker's own words). */
export interface QueryTerm {
  /** An analysed term (src/knowledge/analyzer.ts). */
  term: string;
  weight: number;
}

/** A passage a search found, with its scores (fused, vector similarity, full-text rank). */
export interface SearchRow {
  chunkId: string;
  documentId: string;
  collection: string;
  uri: string;
  title: string;
  headingPath: string[];
  page: number | null;
  text: string;
  score: number;
  similarity: number;
  textRank: number;
}

/** What is embedded for a chunk: its heading path gives the passage its context. */
export function embeddingText(heading: string, text: string): string {
  return heading ? `${heading}\n\n${text}` : text;
}

/** A chunk's heading path as one line: `Guide › Install › Linux`. */
export function headingOf(path: readonly string[]): string {
  return path.join(' › ');
}
