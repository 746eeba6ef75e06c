import { defineEntity, p } from '@mikro-orm/core';
import { KnowledgeChunkRecord, KnowledgeCollectionRecord } from './knowledge.ts';

/**
 * The BM25 statistics of the knowledge base (see migrations/Migration20261208100000_knowledge_term_statistics.ts
 * and src/db/knowledge-terms.ts). Written and read through SQL; these definitions keep the schema and the
 * ORM in step.
 */
export const KnowledgePostingRecord = defineEntity({
  name: 'KnowledgePostingRecord',
  tableName: 'kb_postings',
  properties: {
    chunk: () => p.manyToOne(KnowledgeChunkRecord).primary().deleteRule('cascade').updateRule('no action'),
    term: p.text().primary(),
    collectionId: p.uuid(),
    frequency: p.float(),
    length: p.integer(),
    impact: p.float(),
  },
  indexes: [
    {
      name: 'kb_postings_term_index',
      expression:
        'create index kb_postings_term_index on kb_postings (collection_id, term, impact desc) include (chunk_id, frequency, length)',
    },
  ],
});

export const KnowledgeTermStatsRecord = defineEntity({
  name: 'KnowledgeTermStatsRecord',
  tableName: 'kb_term_stats',
  properties: {
    collection: () =>
      p.manyToOne(KnowledgeCollectionRecord).primary().deleteRule('cascade').updateRule('no action'),
    term: p.text().primary(),
    chunks: p.integer().default(0),
  },
});

export const KnowledgeCollectionStatsRecord = defineEntity({
  name: 'KnowledgeCollectionStatsRecord',
  tableName: 'kb_collection_stats',
  properties: {
    collection: () =>
      p.oneToOne(KnowledgeCollectionRecord).primary().deleteRule('cascade').updateRule('no action'),
    chunks: p.integer().default(0),
    documents: p.integer().default(0),
    length: p.bigint().defaultRaw('0'),
  },
});
