/**
 * `npm run kb:eval`: the retrieval evaluation as a report (the same code as
 * test/integration/knowledge-eval.test.ts), on a fresh PostgreSQL database at TEST_DATABASE_URL's server:
 * for every corpus, hit@5 and MRR of vector only, full text only and hybrid next to a textbook BM25 over the
 * same chunks, computed in the same run. CORPUS=<name> runs one corpus.
 */

import {
  abstention,
  EVAL_CORPORA,
  evaluate,
  evaluateBaseline,
  ingestCorpus,
  type ModeScore,
  report,
} from '../test/support/kb-eval.ts';
import { knowledgeDatabase } from '../test/support/knowledge.ts';

const { service, close } = await knowledgeDatabase('postgresql');
try {
  const summary: string[] = [];
  for (const corpus of EVAL_CORPORA.filter(
    (entry) => !process.env.CORPUS || entry.name === process.env.CORPUS,
  )) {
    const started = Date.now();
    const ingested = await ingestCorpus(service, corpus);
    const ingestMs = Date.now() - started;
    const scores: ModeScore[] = [];
    for (const mode of ['vector', 'fulltext', 'hybrid'] as const)
      scores.push(await evaluate(service, corpus, mode));
    scores.push(await evaluateBaseline(service, corpus));
    console.log(`${report(ingested, scores)}\n  ingested in ${ingestMs} ms`);
    console.log(`  abstention: ${JSON.stringify(await abstention(service, corpus))}\n`);
    const [hybrid, baseline] = [scores[2], scores[3]];
    if (hybrid && baseline) {
      // A perfect hit@5 can only be equalled.
      const ceiling = baseline.hitAt5 === 1 && hybrid.hitAt5 === 1;
      const beats = (ceiling || hybrid.hitAt5 > baseline.hitAt5) && hybrid.mrr > baseline.mrr;
      summary.push(
        `${corpus.name.padEnd(16)} hybrid ${hybrid.hitAt5.toFixed(3)} / ${hybrid.mrr.toFixed(3)}  BM25 ${baseline.hitAt5.toFixed(3)} / ${baseline.mrr.toFixed(3)}  ${beats ? `beats BM25 on both${ceiling ? ' (hit@5 equal at 1.000, the ceiling)' : ''}` : 'does NOT beat BM25 on both'}`,
      );
    }
  }
  console.log(`summary (hit@5 / MRR):\n${summary.join('\n')}`);
} finally {
  await close();
}
