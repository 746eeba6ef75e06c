import { readdirSync, readFileSync } from 'node:fs';
import type { SearchMode } from '../../src/knowledge/domain.ts';
import type { KnowledgeService } from '../../src/knowledge/service.ts';
import { EVAL_QUESTIONS, UNANSWERABLE } from '../fixtures/knowledge/eval/questions.ts';

/**
 * The retrieval evaluation: the PostgreSQL documentation corpus ingested into one collection, then every
 * question asked in each mode (vector only, full text only, hybrid). hit@5: a result among the first five
 * comes from a page that answers it; MRR: the mean of 1 / rank of the first such result (0 past ten).
 */
export const CORPUS = new URL('../fixtures/knowledge/eval/postgresql/', import.meta.url);
const SCOPE = { tenantId: 'eval', platform: 'api' as const, channel: null, readers: [], admin: true };

export interface ModeScore {
  mode: SearchMode;
  hitAt5: number;
  mrr: number;
  misses: string[];
}

export async function ingestCorpus(
  service: KnowledgeService,
): Promise<{ documents: number; chunks: number }> {
  const collection = await service.ensureCollection('eval', 'postgresql-docs');
  const summary = await service.ingest(collection, CORPUS.pathname, { allowPath: true });
  if (summary.failed.length > 0)
    throw new Error(`corpus failed to ingest: ${JSON.stringify(summary.failed)}`);
  return { documents: readdirSync(CORPUS).length, chunks: summary.chunks };
}

export async function evaluate(service: KnowledgeService, mode: SearchMode): Promise<ModeScore> {
  let hits = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const { question, answeredBy } of EVAL_QUESTIONS) {
    const { sources } = await service.searchFor(question, SCOPE, { k: 10, mode });
    const rank =
      sources.findIndex((source) => answeredBy.some((page) => source.uri.endsWith(`/${page}`))) + 1;
    if (rank >= 1 && rank <= 5) hits += 1;
    else
      misses.push(
        `${question} → ${
          sources
            .slice(0, 3)
            .map((source) => source.uri.split('/').pop())
            .join(', ') || 'nothing'
        }`,
      );
    if (rank >= 1) reciprocal += 1 / rank;
  }
  return { mode, hitAt5: hits / EVAL_QUESTIONS.length, mrr: reciprocal / EVAL_QUESTIONS.length, misses };
}

/** How many unanswerable questions get "I don't know", and how many answerable ones get an answer. */
export async function abstention(
  service: KnowledgeService,
): Promise<{ unknownWhenUnanswerable: number; answeredWhenAnswerable: number }> {
  let unknown = 0;
  for (const question of UNANSWERABLE) {
    if ((await service.ask(question, SCOPE, { llm: null })).mode === 'unknown') unknown += 1;
  }
  let answered = 0;
  for (const { question } of EVAL_QUESTIONS) {
    if ((await service.ask(question, SCOPE, { llm: null })).mode !== 'unknown') answered += 1;
  }
  return {
    unknownWhenUnanswerable: unknown / UNANSWERABLE.length,
    answeredWhenAnswerable: answered / EVAL_QUESTIONS.length,
  };
}

export function report(scores: readonly ModeScore[], corpus: { documents: number; chunks: number }): string {
  const lines = [
    `retrieval evaluation: ${EVAL_QUESTIONS.length} questions over ${corpus.documents} PostgreSQL 15 documentation pages (${corpus.chunks} chunks), offline hashing embeddings`,
    'mode       hit@5   MRR',
    ...scores.map((score) => `${score.mode.padEnd(9)}  ${score.hitAt5.toFixed(3)}   ${score.mrr.toFixed(3)}`),
  ];
  const hybrid = scores.find((score) => score.mode === 'hybrid');
  for (const miss of hybrid?.misses ?? []) lines.push(`  hybrid miss: ${miss}`);
  return lines.join('\n');
}

export function corpusText(name: string): string {
  return readFileSync(new URL(name, CORPUS), 'utf8');
}
