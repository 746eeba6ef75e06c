import { readdirSync } from 'node:fs';
import type { SearchMode } from '../../src/knowledge/domain.ts';
import type { KnowledgeService } from '../../src/knowledge/service.ts';
import { EVAL_QUESTIONS, type EvalQuestion, UNANSWERABLE } from '../fixtures/knowledge/eval/questions.ts';
import { BORG_QUESTIONS, BORG_UNANSWERABLE } from '../fixtures/knowledge/eval/questions-borg.ts';
import {
  DEBIAN_HANDBOOK_QUESTIONS,
  DEBIAN_HANDBOOK_UNANSWERABLE,
} from '../fixtures/knowledge/eval/questions-debian-handbook.ts';
import { ICINGA2_QUESTIONS, ICINGA2_UNANSWERABLE } from '../fixtures/knowledge/eval/questions-icinga2.ts';
import { Bm25Index } from './bm25-baseline.ts';

/**
 * The retrieval evaluation: each corpus of test/fixtures/knowledge/eval ingested into a collection of its
 * own, then every question asked in each mode (vector only, full text only, hybrid) and of a textbook BM25
 * over the same stored chunks (bm25-baseline.ts), in the same run. hit@5: a result among the first five
 * comes from a page that answers it; MRR: the mean of 1 / rank of the first such result (0 past ten).
 */
export interface EvalCorpus {
  name: string;
  description: string;
  folder: URL;
  questions: EvalQuestion[];
  unanswerable: string[];
}

const EVAL = new URL('../fixtures/knowledge/eval/', import.meta.url);

export const EVAL_CORPORA: EvalCorpus[] = [
  {
    name: 'postgresql',
    description: 'PostgreSQL 15 documentation (reference manual)',
    folder: new URL('postgresql/', EVAL),
    questions: EVAL_QUESTIONS,
    unanswerable: UNANSWERABLE,
  },
  {
    name: 'debian-handbook',
    description: "The Debian Administrator's Handbook (operations handbook)",
    folder: new URL('debian-handbook/', EVAL),
    questions: DEBIAN_HANDBOOK_QUESTIONS,
    unanswerable: DEBIAN_HANDBOOK_UNANSWERABLE,
  },
  {
    name: 'borg',
    description: 'BorgBackup 1.2.4 user documentation (product manual)',
    folder: new URL('borg/', EVAL),
    questions: BORG_QUESTIONS,
    unanswerable: BORG_UNANSWERABLE,
  },
  {
    name: 'icinga2',
    description: 'Icinga 2 documentation (held out: monitoring product manual, Markdown)',
    folder: new URL('icinga2/', EVAL),
    questions: ICINGA2_QUESTIONS,
    unanswerable: ICINGA2_UNANSWERABLE,
  },
];

/** The PostgreSQL corpus's folder (bench/retrieval draws its synthetic vocabulary from it). */
export const CORPUS = EVAL_CORPORA[0]?.folder ?? EVAL;
const SCOPE = { tenantId: 'eval', platform: 'api' as const, channel: null, readers: [], admin: true };
const RANKS = 10;

export type EvalMode = SearchMode | 'bm25';

export interface ModeScore {
  mode: EvalMode;
  hitAt5: number;
  mrr: number;
  misses: string[];
}

export interface IngestedCorpus {
  corpus: EvalCorpus;
  documents: number;
  chunks: number;
}

export async function ingestCorpus(service: KnowledgeService, corpus: EvalCorpus): Promise<IngestedCorpus> {
  const collection = await service.ensureCollection('eval', corpus.name);
  const summary = await service.ingest(collection, corpus.folder.pathname, { allowPath: true });
  if (summary.failed.length > 0)
    throw new Error(`corpus ${corpus.name} failed to ingest: ${JSON.stringify(summary.failed)}`);
  return { corpus, documents: readdirSync(corpus.folder).length, chunks: summary.chunks };
}

/** Every question of a corpus through the knowledge base's search, in one mode. */
export async function evaluate(
  service: KnowledgeService,
  corpus: EvalCorpus,
  mode: SearchMode,
): Promise<ModeScore> {
  return score(mode, corpus, async (question) => {
    const { sources } = await service.searchFor(question, SCOPE, { k: RANKS, mode, collection: corpus.name });
    return sources.map((source) => source.uri);
  });
}

/** Every question of a corpus through the textbook BM25 over the chunks the knowledge base stored. */
export async function evaluateBaseline(service: KnowledgeService, corpus: EvalCorpus): Promise<ModeScore> {
  const rows = await service.store.database.sql<{ id: string; uri: string; heading: string; text: string }>(
    `select k.id, d.uri, k.heading, k.text from kb_chunks k
     join kb_documents d on d.id = k.document_id
     join kb_collections c on c.id = k.collection_id
     where c.tenant_id = $1 and c.name = $2`,
    [SCOPE.tenantId, corpus.name],
  );
  const uris = new Map(rows.map((row) => [String(row.id), String(row.uri)]));
  const index = new Bm25Index(
    rows.map((row) => ({ id: String(row.id), text: `${row.heading}\n${row.text}` })),
  );
  return score('bm25', corpus, async (question) =>
    index.search(question, RANKS).map((id) => uris.get(id) ?? ''),
  );
}

async function score(
  mode: EvalMode,
  corpus: EvalCorpus,
  rank: (question: string) => Promise<string[]>,
): Promise<ModeScore> {
  let hits = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const { question, answeredBy } of corpus.questions) {
    const uris = await rank(question);
    const found = uris.findIndex((uri) => answeredBy.some((page) => uri.endsWith(`/${page}`))) + 1;
    if (found >= 1 && found <= 5) hits += 1;
    else
      misses.push(
        `${question} → ${
          uris
            .slice(0, 3)
            .map((uri) => uri.split('/').pop())
            .join(', ') || 'nothing'
        }`,
      );
    if (found >= 1) reciprocal += 1 / found;
  }
  const count = corpus.questions.length;
  return { mode, hitAt5: hits / count, mrr: reciprocal / count, misses };
}

/** How many unanswerable questions get "I don't know", and how many answerable ones get an answer. */
export async function abstention(
  service: KnowledgeService,
  corpus: EvalCorpus,
): Promise<{ unknownWhenUnanswerable: number; answeredWhenAnswerable: number }> {
  const ask = async (question: string) =>
    (await service.ask(question, SCOPE, { llm: null, collection: corpus.name })).mode;
  let unknown = 0;
  for (const question of corpus.unanswerable) if ((await ask(question)) === 'unknown') unknown += 1;
  let answered = 0;
  for (const { question } of corpus.questions) if ((await ask(question)) !== 'unknown') answered += 1;
  return {
    unknownWhenUnanswerable: unknown / corpus.unanswerable.length,
    answeredWhenAnswerable: answered / corpus.questions.length,
  };
}

/** One corpus's table: every mode next to the baseline, with the differences and hybrid's misses. */
export function report(ingested: IngestedCorpus, scores: readonly ModeScore[]): string {
  const { corpus } = ingested;
  const baseline = scores.find((entry) => entry.mode === 'bm25');
  const delta = (value: number, reference: number | undefined) =>
    reference === undefined ? '' : `${value - reference >= 0 ? '+' : ''}${(value - reference).toFixed(3)}`;
  const lines = [
    `${corpus.name}: ${corpus.questions.length} questions over ${ingested.documents} pages of ${corpus.description} (${ingested.chunks} chunks), offline hashing embeddings`,
    '  mode        hit@5   MRR     vs BM25 (hit@5, MRR)',
    ...scores.map(
      (entry) =>
        `  ${entry.mode.padEnd(10)}  ${entry.hitAt5.toFixed(3)}   ${entry.mrr.toFixed(3)}   ${
          entry.mode === 'bm25'
            ? 'baseline'
            : `${delta(entry.hitAt5, baseline?.hitAt5)}, ${delta(entry.mrr, baseline?.mrr)}`
        }`,
    ),
  ];
  const hybrid = scores.find((entry) => entry.mode === 'hybrid');
  for (const miss of hybrid?.misses ?? []) lines.push(`    hybrid miss: ${miss}`);
  return lines.join('\n');
}
