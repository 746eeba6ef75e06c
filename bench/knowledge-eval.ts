/**
 * `npm run kb:eval`: the retrieval evaluation as a report (the same code as
 * test/integration/knowledge-eval.test.ts), on a fresh PostgreSQL database at TEST_DATABASE_URL's server.
 */

import { abstention, evaluate, ingestCorpus, report } from '../test/support/kb-eval.ts';
import { knowledgeDatabase } from '../test/support/knowledge.ts';

const { service, close } = await knowledgeDatabase('postgresql');
try {
  const started = Date.now();
  const corpus = await ingestCorpus(service);
  console.log(`ingested in ${Date.now() - started} ms`);
  const scores = [];
  for (const mode of ['vector', 'fulltext', 'hybrid'] as const) scores.push(await evaluate(service, mode));
  console.log(report(scores, corpus));
  console.log(`abstention: ${JSON.stringify(await abstention(service))}`);
} finally {
  await close();
}
