import { createHash } from 'node:crypto';
import { ChatOpsError } from '../core/errors.ts';
import type { IngestedSummary } from '../core/knowledge.ts';
import type { Logger } from '../core/ports.ts';
import type { KnowledgeStore } from '../db/knowledge-store.ts';
import { chunkSections } from './chunk.ts';
import { type Collection, embeddingText, headingOf } from './domain.ts';
import { type EmbeddingProvider, sameIdentity } from './embed/provider.ts';
import { detectFormat, MEDIA_TYPES, parseDocument } from './parse/index.ts';
import type { SourceItem, SourceListing } from './sources/index.ts';

export type IngestOutcome = 'added' | 'updated' | 'unchanged' | 'duplicate';

const COUNTER = {
  added: 'added',
  updated: 'updated',
  unchanged: 'unchanged',
  duplicate: 'duplicates',
} as const;

/**
 * One document into a collection: detect its format, parse it by structure, chunk it, embed the chunks and
 * store the new version atomically. Identical bytes under the same URI are left alone (unchanged); the
 * same content under another URI of the collection is not stored twice (duplicate).
 */
export class Ingester {
  readonly #store: KnowledgeStore;
  readonly #provider: EmbeddingProvider;
  readonly #log: Logger;

  constructor(store: KnowledgeStore, provider: EmbeddingProvider, log: Logger) {
    this.#store = store;
    this.#provider = provider;
    this.#log = log;
  }

  async ingest(
    collection: Collection,
    item: SourceItem,
  ): Promise<{ outcome: IngestOutcome; chunks: number }> {
    this.#checkModel(collection);
    const contentHash = createHash('sha256').update(item.bytes).digest('hex');
    const existing = await this.#store.documentByUri(collection.id, item.uri);
    if (existing?.contentHash === contentHash) return { outcome: 'unchanged', chunks: 0 };
    const twin = await this.#store.documentByHash(collection.id, contentHash);
    if (twin && twin.uri !== item.uri) {
      this.#log.info('kb-duplicate-skipped', { uri: item.uri, sameAs: twin.uri });
      return { outcome: 'duplicate', chunks: 0 };
    }
    const format = detectFormat(item.name, item.mediaType, item.bytes);
    if (!format) {
      throw new ChatOpsError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${item.name} is not a document type the knowledge base reads.`,
        {
          remedy: 'Use Markdown, plain text, HTML, PDF or DOCX.',
        },
      );
    }
    const parsed = await parseDocument(format, item.bytes, item.name);
    const chunks = chunkSections(parsed.sections);
    if (chunks.length === 0) {
      throw new ChatOpsError('VALIDATION_FAILED', `${item.name} has no text to index.`, {
        remedy: 'A scanned PDF needs OCR first; an empty file has nothing to add.',
      });
    }
    const vectors = await this.#provider.embed(
      chunks.map((chunk) => embeddingText(headingOf([parsed.title, ...chunk.headingPath]), chunk.text)),
      'document',
    );
    await this.#store.replaceDocument({
      collection,
      source: item.source,
      uri: item.uri,
      title: parsed.title,
      mimeType: MEDIA_TYPES[format],
      contentHash,
      chunks: chunks.map((chunk, index) => ({ ...chunk, embedding: vectors[index] ?? [] })),
    });
    return { outcome: existing ? 'updated' : 'added', chunks: chunks.length };
  }

  /**
   * Every document of a listing, one at a time; a document that fails is reported and the rest go on.
   * With `removeMissing`, stored documents under the listing's scope that it no longer has are deleted.
   */
  async ingestListing(
    collection: Collection,
    listing: SourceListing,
    summary: IngestedSummary,
    progress: (done: number, total: number) => Promise<void>,
    removeMissing = false,
  ): Promise<void> {
    let done = 0;
    const errors: unknown[] = [];
    for (const uri of listing.uris) {
      try {
        const { outcome, chunks } = await this.ingest(collection, await listing.read(uri));
        summary[COUNTER[outcome]] += 1;
        summary.chunks += chunks;
      } catch (error) {
        if (error instanceof ChatOpsError && error.retryable) throw error;
        errors.push(error);
        summary.failed.push({
          uri,
          error: error instanceof ChatOpsError ? error.explanation : String(error),
        });
        this.#log.warn('kb-document-failed', { uri, error });
      }
      done += 1;
      await progress(done, listing.uris.length);
    }
    // When nothing could be read (a refused URL, a broken file), that is the outcome, not a summary.
    if (errors.length > 0 && errors.length === listing.uris.length) throw errors[0];
    if (removeMissing) {
      const present = new Set(listing.uris);
      for (const document of await this.#store.documents(collection.id)) {
        if (document.uri.startsWith(listing.scope) && !present.has(document.uri)) {
          if (await this.#store.deleteDocument(collection.id, document.uri)) summary.removed += 1;
        }
      }
    }
  }

  #checkModel(collection: Collection): void {
    const configured = {
      provider: this.#provider.name,
      model: this.#provider.model,
      dimensions: this.#provider.dimensions ?? collection.embedding.dimensions,
    };
    if (!sameIdentity(configured, collection.embedding)) {
      throw new ChatOpsError(
        'VALIDATION_FAILED',
        `Collection "${collection.name}" is embedded with ${collection.embedding.provider}/${collection.embedding.model} (${collection.embedding.dimensions} dimensions), not the configured ${configured.provider}/${configured.model}.`,
        {
          remedy:
            'Run `chatops kb reembed` to move it to the configured model, or configure KB_EMBEDDINGS as it was.',
        },
      );
    }
  }
}

export function emptySummary(collection: string): IngestedSummary {
  return { collection, added: 0, updated: 0, unchanged: 0, duplicates: 0, removed: 0, chunks: 0, failed: [] };
}
