import type { KnowledgeSource } from '../core/knowledge.ts';
import type { Logger } from '../core/ports.ts';
import type { KnowledgeSearch } from '../db/knowledge-search.ts';
import {
  type EmbeddingIdentity,
  headingOf,
  type ReaderScope,
  type SearchMode,
  type SearchRow,
} from './domain.ts';
import type { EmbeddingProvider } from './embed/provider.ts';
import { coverage, queryTerms } from './query.ts';

/**
 * Hybrid retrieval: the question is embedded once per embedding model among the readable collections,
 * each model's collections are searched in SQL (vector nearest neighbours and BM25 full-text ranking,
 * fused by scaled scores: src/db/knowledge-ranking.ts), and the results are merged by fused score. Access
 * filtering happens in that SQL.
 */
export interface RetrievalResult {
  sources: KnowledgeSource[];
  /** Names of the collections that were searched. */
  collections: string[];
}

export interface RetrieveOptions {
  k?: number;
  mode?: SearchMode;
  collection?: string;
  /** Only these collections (the "answer privately" check searches the asker's extra ones). */
  only?: readonly string[];
}

export class Retriever {
  readonly #search: KnowledgeSearch;
  readonly #providerFor: (identity: EmbeddingIdentity) => EmbeddingProvider | null;
  readonly #log: Logger;

  constructor(
    search: KnowledgeSearch,
    providerFor: (identity: EmbeddingIdentity) => EmbeddingProvider | null,
    log: Logger,
  ) {
    this.#search = search;
    this.#providerFor = providerFor;
    this.#log = log;
  }

  async retrieve(query: string, scope: ReaderScope, options: RetrieveOptions = {}): Promise<RetrievalResult> {
    const k = options.k ?? 5;
    const readable = (await this.#search.readable(scope)).filter(
      (collection) =>
        (!options.collection || collection.name === options.collection) &&
        (!options.only || options.only.includes(collection.name)),
    );
    if (readable.length === 0) return { sources: [], collections: [] };
    const groups = new Map<string, EmbeddingIdentity>();
    for (const collection of readable) groups.set(identityKey(collection.embedding), collection.embedding);
    const rows: SearchRow[] = [];
    for (const identity of groups.values()) {
      const provider = this.#providerFor(identity);
      let mode = options.mode ?? 'hybrid';
      if (!provider && mode !== 'fulltext') {
        this.#log.warn('kb-embedding-mismatch', {
          warning: `collections embedded with ${identity.provider}/${identity.model} are searched by full text only; run chatops kb reembed`,
        });
        mode = 'fulltext';
      }
      const vector =
        provider && mode !== 'fulltext' ? ((await provider.embed([query], 'query'))[0] ?? null) : null;
      rows.push(
        ...(await this.#search.search({
          scope,
          embedding: identity,
          vector,
          terms: queryTerms(query),
          mode,
          k,
          collections: readable.map((collection) => collection.name),
        })),
      );
    }
    rows.sort((left, right) => right.score - left.score || right.similarity - left.similarity);
    return {
      sources: rows.slice(0, k).map((row, index) => toSource(row, index + 1)),
      collections: readable.map((collection) => collection.name),
    };
  }
}

export function identityKey(identity: EmbeddingIdentity): string {
  return `${identity.provider}/${identity.model}/${identity.dimensions}`;
}

function toSource(row: SearchRow, number: number): KnowledgeSource {
  return {
    number,
    collection: row.collection,
    documentId: row.documentId,
    chunkId: row.chunkId,
    title: row.title,
    uri: row.uri,
    url: linkOf(row.uri),
    headingPath: row.headingPath,
    page: row.page,
    text: row.text,
    snippet: snippetOf(row.text),
    score: Math.round(row.score * 1e6) / 1e6,
    similarity: Math.round(row.similarity * 1e4) / 1e4,
    textRank: Math.round(row.textRank * 1e4) / 1e4,
  };
}

/** A link people can open: http(s) URIs as they are, GitHub sources as their blob page. */
export function linkOf(uri: string): string | null {
  if (/^https?:\/\//.test(uri)) return uri;
  const github = /^github:([^/]+)\/([^/@]+)@([^/]+)\/(.+)$/.exec(uri);
  if (github) return `https://github.com/${github[1]}/${github[2]}/blob/${github[3]}/${github[4]}`;
  return null;
}

export function snippetOf(text: string, length = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length
    ? flat
    : `${flat.slice(0, flat.lastIndexOf(' ', length) > 0 ? flat.lastIndexOf(' ', length) : length)}…`;
}

/** How sure retrieval is that the best passage answers the question: word coverage and similarity. */
export function confidenceOf(question: string, source: KnowledgeSource | undefined): number {
  if (!source) return 0;
  const covered = coverage(question, `${headingOf(source.headingPath)} ${source.title} ${source.text}`);
  return Math.max(covered, source.similarity);
}
