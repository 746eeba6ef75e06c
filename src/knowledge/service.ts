import { resolve } from 'node:path';
import type { KnowledgeConfig } from '../config/load-config.ts';
import { ChatOpsError, isChatOpsError } from '../core/errors.ts';
import type { IngestedSummary, KnowledgeAnswer, KnowledgeSource } from '../core/knowledge.ts';
import type { LanguageModel } from '../core/language-model.ts';
import type { Logger } from '../core/ports.ts';
import type { Database } from '../db/database.ts';
import { FeedbackStore } from '../db/feedback-store.ts';
import { KnowledgeSearch } from '../db/knowledge-search.ts';
import { KnowledgeStore } from '../db/knowledge-store.ts';
import { composeAnswer, MIN_CONFIDENCE } from './answer.ts';
import type {
  Collection,
  CollectionAccess,
  CollectionSummary,
  EmbeddingIdentity,
  ReaderScope,
  SearchMode,
  StoredDocument,
} from './domain.ts';
import { HashingEmbeddings } from './embed/hashing.ts';
import {
  createEmbeddingProvider,
  type EmbeddingProvider,
  identityOf,
  sameIdentity,
} from './embed/provider.ts';
import { emptySummary, Ingester } from './ingest.ts';
import { confidenceOf, Retriever } from './retriever.ts';
import {
  describeSource,
  listSource,
  parseSource,
  type SourceItem,
  type SourceSettings,
} from './sources/index.ts';
import type { SafeFetchOptions } from './sources/safe-fetch.ts';

export type Progress = (done: number, total: number) => Promise<void>;
const noProgress: Progress = async () => {};

export interface KnowledgeServiceOptions {
  database: Database;
  config: KnowledgeConfig;
  log: Logger;
  /** Overrides the configured embedding provider (tests). */
  provider?: EmbeddingProvider;
  /** Overrides parts of the download settings: tests inject a resolver and address policy. */
  download?: Partial<SafeFetchOptions>;
}

export const DEFAULT_ACCESS: CollectionAccess = {
  visibility: 'tenant',
  channels: [],
  roles: [],
  editorRoles: [],
};

/**
 * The knowledge base as one service: collections, ingestion from every source, hybrid search, answers,
 * re-embedding. The CLI, the REST API and the skill's port all go through it; access is decided by the
 * reader scope each caller passes, inside the search SQL.
 */
export class KnowledgeService {
  readonly store: KnowledgeStore;
  readonly search: KnowledgeSearch;
  readonly feedback: FeedbackStore;
  readonly provider: EmbeddingProvider;
  readonly sources: SourceSettings;
  readonly rerank: boolean;
  readonly #retriever: Retriever;
  readonly #log: Logger;
  #identity: Promise<EmbeddingIdentity> | null = null;

  constructor(options: KnowledgeServiceOptions) {
    this.store = new KnowledgeStore(options.database);
    this.search = new KnowledgeSearch(options.database);
    this.feedback = new FeedbackStore(options.database);
    this.provider = options.provider ?? createEmbeddingProvider(options.config.embeddings);
    this.rerank = options.config.rerank;
    this.sources = {
      download: { ...options.config.download, ...options.download },
      github: options.config.github,
    };
    this.#log = options.log;
    this.#retriever = new Retriever(this.search, (identity) => this.#providerFor(identity), options.log);
  }

  /** The configured model's identity (asks a remote model once for its vector size). */
  identity(): Promise<EmbeddingIdentity> {
    this.#identity ??= identityOf(this.provider).catch((error: unknown) => {
      this.#identity = null;
      throw error;
    });
    return this.#identity;
  }

  async collection(tenantId: string, name: string): Promise<Collection> {
    const found = await this.store.collection(tenantId, name);
    if (found) return found;
    const known = (await this.store.collections(tenantId)).map((collection) => collection.name);
    throw new ChatOpsError('NOT_FOUND', `There is no collection "${name}".`, {
      remedy:
        known.length > 0
          ? `Known collections: ${known.join(', ')}.`
          : 'Create one by ingesting into it: chatops kb ingest <path|url> --collection <name>.',
    });
  }

  async createCollection(
    tenantId: string,
    name: string,
    options: { description?: string; access?: CollectionAccess } = {},
  ): Promise<Collection> {
    if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(name)) {
      throw new ChatOpsError('VALIDATION_FAILED', `"${name}" is not a collection name.`, {
        remedy: 'Use 1-64 lower-case letters, digits, ".", "_" or "-", e.g. handbook or runbooks.',
      });
    }
    return this.store.createCollection({
      tenantId,
      name,
      description: options.description ?? '',
      access: options.access ?? DEFAULT_ACCESS,
      embedding: await this.identity(),
    });
  }

  async ensureCollection(
    tenantId: string,
    name: string,
    create?: { description?: string; access?: CollectionAccess },
  ) {
    return (await this.store.collection(tenantId, name)) ?? this.createCollection(tenantId, name, create);
  }

  /** Ingests a source (URL, GitHub repository or, with `allowPath`, a local path) and remembers it for re-syncs. */
  async ingest(
    collection: Collection,
    sourceText: string,
    options: { allowPath: boolean; include?: string; progress?: Progress },
  ): Promise<IngestedSummary> {
    const spec = parseSource(sourceText, options);
    const listing = await listSource(spec, this.sources);
    const summary = emptySummary(collection.name);
    await this.#ingester().ingestListing(collection, listing, summary, options.progress ?? noProgress);
    await this.store.addSource(collection, spec);
    this.#log.info('kb-ingested', {
      collection: collection.name,
      source: describeSource(spec),
      ...counts(summary),
    });
    return summary;
  }

  async ingestItems(collection: Collection, items: readonly SourceItem[], progress: Progress = noProgress) {
    const summary = emptySummary(collection.name);
    const byUri = new Map(items.map((item) => [item.uri, item]));
    await this.#ingester().ingestListing(
      collection,
      { uris: [...byUri.keys()], scope: '\u0000', read: async (uri) => byUri.get(uri) as SourceItem },
      summary,
      progress,
    );
    return summary;
  }

  /** Re-reads every remembered source of a collection; documents a source no longer has are removed. */
  async sync(collection: Collection, progress: Progress = noProgress): Promise<IngestedSummary> {
    const summary = emptySummary(collection.name);
    if (collection.sources.length === 0) {
      throw new ChatOpsError(
        'VALIDATION_FAILED',
        `Collection "${collection.name}" has no sources to re-sync.`,
        {
          remedy: 'Ingest a URL, GitHub repository or path into it first; chat files are not re-synced.',
        },
      );
    }
    for (const spec of collection.sources) {
      const listing = await listSource(spec, this.sources).catch((error: unknown) => {
        // A file or page that is gone takes its documents with it; anything else fails the re-sync.
        if (isChatOpsError(error) && error.code === 'NOT_FOUND' && spec.kind !== 'github') {
          this.#log.info('kb-source-gone', { collection: collection.name, source: describeSource(spec) });
          return {
            uris: [],
            scope: spec.kind === 'path' ? resolve(spec.path) : spec.url,
            read: async () => {
              throw error;
            },
          };
        }
        throw error;
      });
      await this.#ingester().ingestListing(collection, listing, summary, progress, true);
    }
    return summary;
  }

  async searchFor(
    query: string,
    scope: ReaderScope,
    options: { k?: number; collection?: string; mode?: SearchMode; only?: readonly string[] } = {},
  ): Promise<{ sources: KnowledgeSource[]; collections: string[] }> {
    if (!query.trim()) {
      throw new ChatOpsError('VALIDATION_FAILED', 'The query is empty.', {
        remedy: 'Say what you are looking for.',
      });
    }
    if (options.collection) await this.collection(scope.tenantId, options.collection);
    return this.#retriever.retrieve(query, scope, options);
  }

  /**
   * Answers from what `scope` may read. With `askerScope` (a shared channel), also looks at what the
   * asker alone may read beyond it, and reports how many good passages are there (never their content).
   */
  async ask(
    question: string,
    scope: ReaderScope,
    options: { llm: LanguageModel | null; collection?: string; k?: number; askerScope?: ReaderScope },
  ): Promise<KnowledgeAnswer> {
    const k = options.k ?? 6;
    const retrieval = await this.searchFor(question, scope, {
      k,
      ...(options.collection ? { collection: options.collection } : {}),
    });
    let privateMatches = 0;
    if (options.askerScope) {
      const shared = new Set(retrieval.collections);
      const extra = (await this.search.readable(options.askerScope))
        .map((c) => c.name)
        .filter((name) => !shared.has(name));
      if (extra.length > 0) {
        const hidden = await this.#retriever.retrieve(question, options.askerScope, { k: 3, only: extra });
        privateMatches = hidden.sources.filter(
          (source) => confidenceOf(question, source) >= MIN_CONFIDENCE,
        ).length;
      }
    }
    return composeAnswer({
      question,
      sources: retrieval.sources,
      collections: retrieval.collections,
      llm: options.llm,
      rerank: this.rerank,
      privateMatches,
    });
  }

  collections(tenantId: string): Promise<CollectionSummary[]> {
    return this.store.collections(tenantId);
  }

  async documents(tenantId: string, name: string): Promise<StoredDocument[]> {
    return this.store.documents((await this.collection(tenantId, name)).id);
  }

  /** Moves collections to the configured model (all that differ, or the one named); returns what moved. */
  async reembed(
    tenantId: string,
    options: {
      collection?: string;
      force?: boolean;
      progress?: (collection: string, done: number, total: number) => Promise<void>;
    } = {},
  ): Promise<{ collection: string; from: EmbeddingIdentity; to: EmbeddingIdentity; chunks: number }[]> {
    const target = await this.identity();
    const all = options.collection
      ? [await this.collection(tenantId, options.collection)]
      : await this.store.collections(tenantId);
    const moved = [];
    for (const collection of all) {
      if (!options.force && sameIdentity(collection.embedding, target)) continue;
      const chunks = await this.store.reembed(
        collection,
        target,
        (texts) => this.provider.embed(texts, 'document'),
        (done, total) => options.progress?.(collection.name, done, total) ?? Promise.resolve(),
      );
      moved.push({ collection: collection.name, from: collection.embedding, to: target, chunks });
    }
    return moved;
  }

  #ingester(): Ingester {
    return new Ingester(this.store, this.provider, this.#log);
  }

  #providerFor(identity: EmbeddingIdentity): EmbeddingProvider | null {
    const ownDimensions = this.provider.dimensions ?? identity.dimensions;
    if (
      sameIdentity(
        { provider: this.provider.name, model: this.provider.model, dimensions: ownDimensions },
        identity,
      )
    ) {
      return this.provider;
    }
    const offline = new HashingEmbeddings();
    return sameIdentity(
      { provider: offline.name, model: offline.model, dimensions: offline.dimensions },
      identity,
    )
      ? offline
      : null;
  }
}

export function counts(summary: IngestedSummary) {
  const { added, updated, unchanged, duplicates, removed, chunks } = summary;
  return { added, updated, unchanged, duplicates, removed, chunks, failed: summary.failed.length };
}
