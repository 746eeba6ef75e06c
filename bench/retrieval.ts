/**
 * `npm run bench:retrieval`: the knowledge base's retrieval on PostgreSQL + pgvector with 100,000 chunks
 * (override with CHUNKS=…) of real text (the machine's English manual pages, chunked by the knowledge base's
 * chunker; CORPUS=synthetic, or too few pages, uses random topical sentences instead), in one run:
 *   - ingest rate through the real path (chunking done, hashing embeddings, one transaction per document,
 *     with the HNSW index, the BM25 postings and the term statistics maintained on insert), chunks/s;
 *   - vector query latency p50/p99 with the HNSW index and with exact search (index scans off: the
 *     baseline every ANN index is measured against), both as raw top-10 SQL and through the full search
 *     path (access rule, fusion), plus full text alone (BM25) and hybrid (vector + full text, fused);
 *   - recall@10 of HNSW against exact search.
 * Targets: HNSW p99 < 30 ms, recall@10 ≥ 0.95, hybrid p99 < 50 ms. CLUSTERED=1 adds the same measurements on vectors shaped
 * like a semantic model's, re-embedded through the real path. Runs on a fresh database and drops it at the end
 * (KEEP_DATABASE=1 keeps it; BENCH_DATABASE_URL=<its URL> then measures the queries again without ingesting).
 */
import { uuidv7 } from '../src/core/ids.ts';
import { openDatabase } from '../src/db/database.ts';
import { hnswIndexSql } from '../src/db/entities/knowledge.ts';
import { KnowledgeSearch } from '../src/db/knowledge-search.ts';
import { KnowledgeStore } from '../src/db/knowledge-store.ts';
import { HASHING_DIMENSIONS, HashingEmbeddings } from '../src/knowledge/embed/hashing.ts';
import { queryTerms } from '../src/knowledge/query.ts';
import { EVAL_QUESTIONS } from '../test/fixtures/knowledge/eval/questions.ts';
import { createTestDatabase } from '../test/support/services.ts';
import { latencyLine, mb, perSecond, summarize } from './pipeline/stats.ts';
import { ClusteredEmbeddings } from './retrieval/clustered.ts';
import { seeded, sentence, topicalSentence, topics, vocabulary } from './retrieval/corpus.ts';
import { manPages } from './retrieval/man-pages.ts';

const TOTAL = Number(process.env.CHUNKS ?? 100_000);
const PER_DOCUMENT = 100;
const PARALLEL = 4;
const QUERIES = 300;
const EF_SEARCH = Number(process.env.EF_SEARCH ?? 100);
const EF_SWEEP = [40, 100, 200, 400];
const TOPICS = 200;

// BENCH_DATABASE_URL: measure queries on a database a KEEP_DATABASE=1 run filled, without ingesting again.
const reuse = process.env.BENCH_DATABASE_URL;
const server = reuse ? null : await createTestDatabase();
const database = await openDatabase({
  kind: 'postgresql',
  url: reuse ?? server?.url ?? '',
  poolMax: PARALLEL + 2,
});
try {
  await database.migrate();
  const store = new KnowledgeStore(database);
  const provider = new HashingEmbeddings();
  const collection = reuse
    ? await store.collection('bench', 'bench')
    : await store.createCollection({
        tenantId: 'bench',
        name: 'bench',
        description: '',
        access: { visibility: 'tenant', channels: [], roles: [], editorRoles: [] },
        embedding: { provider: provider.name, model: provider.model, dimensions: HASHING_DIMENSIONS },
      });
  if (!collection) throw new Error(`${reuse} has no bench collection: fill one with KEEP_DATABASE=1 first`);
  // Experiment with the index's build parameters (the migration's are m = 32, ef_construction = 100).
  const indexM = Number(process.env.HNSW_M ?? 32);
  const indexEfConstruction = Number(process.env.HNSW_EFC ?? (process.env.HNSW_M ? 64 : 100));
  if (process.env.HNSW_M && !reuse) {
    await database.sql('drop index kb_embeddings_hnsw_512');
    await database.sql(hnswIndexSql(512, { m: indexM, efConstruction: indexEfConstruction }));
  }
  const random = seeded(42);
  const corpus = benchCorpus(random);
  console.log(
    `retrieval benchmark: ${TOTAL.toLocaleString('en-US')} chunks (${corpus.documents.length.toLocaleString('en-US')} documents: ${corpus.description}), ${HASHING_DIMENSIONS} dimensions, HNSW m=${indexM} ef_construction=${indexEfConstruction}`,
  );

  if (reuse) console.log('ingest: skipped (BENCH_DATABASE_URL: the kept database of an earlier run)');
  else {
    // Ingest: embedding + insert, one transaction per document, PARALLEL documents at a time, the HNSW index
    // in place.
    const started = performance.now();
    let embedMs = 0;
    let next = 0;
    let stored = 0;
    const worker = async () => {
      for (;;) {
        const index = next;
        next += 1;
        const document = corpus.documents[index];
        if (!document) return;
        const texts = document.chunks;
        const embedStart = performance.now();
        const vectors = await provider.embed(texts);
        embedMs += performance.now() - embedStart;
        await store.replaceDocument({
          collection,
          source: 'bench',
          uri: `bench://document/${index}`,
          title: document.title,
          mimeType: 'text/plain',
          contentHash: uuidv7(),
          chunks: texts.map((text, position) => ({
            position,
            headingPath: [document.title],
            page: null,
            text,
            embedding: vectors[position] ?? [],
          })),
        });
        const before = stored;
        stored += texts.length;
        if (Math.floor(stored / 10_000) > Math.floor(before / 10_000))
          process.stderr.write(`  ${stored.toLocaleString('en-US')} chunks\r`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const seconds = (performance.now() - started) / 1000;
    await database.sql('analyze kb_embeddings');
    await database.sql('analyze kb_chunks');
    // What autovacuum does to a freshly filled table in the background (PostgreSQL 13+ vacuums after inserts
    // too): the visibility map lets the ranking read postings from the index alone.
    const vacuumStart = performance.now();
    await database.sql('vacuum (analyze) kb_postings');
    await database.sql('analyze kb_term_stats');
    const vacuumSeconds = (performance.now() - vacuumStart) / 1000;
    console.log(
      `ingest: ${perSecond(TOTAL / seconds)} chunks (${seconds.toFixed(1)} s; embedding ${(embedMs / 1000).toFixed(1)} s of CPU in-process; then vacuum of the postings ${vacuumSeconds.toFixed(1)} s)`,
    );
  }

  // Queries from the corpus's own distribution, as ANN benchmarks draw them: 8-15 consecutive words of a
  // stored chunk (a question worded like a passage it should find), embedded once. The evaluation's
  // PostgreSQL questions have no answer in this corpus; their recall is reported on its own line.
  const samples = corpus.documents.flatMap((document) => document.chunks);
  const queryTexts = Array.from({ length: QUERIES }, () => {
    const words = (samples[Math.floor(random() * samples.length)] ?? '').split(/\s+/);
    const length = 8 + Math.floor(random() * 8);
    const start = Math.floor(random() * Math.max(1, words.length - length));
    return words.slice(start, start + length).join(' ');
  });
  const queryVectors = await provider.embed(queryTexts);
  const timed = async (run: (index: number) => Promise<unknown>, count: number) => {
    for (let index = 0; index < 10; index += 1) await run(index); // warm-up
    const times: number[] = [];
    const results: unknown[] = [];
    for (let index = 0; index < count; index += 1) {
      const start = performance.now();
      results.push(await run(index));
      times.push(performance.now() - start);
    }
    return { summary: summarize(times), results };
  };
  const measureIndex = async (label: string, vectors: number[][]) => {
    console.log(label);
    const topTen =
      (exact: boolean, efSearch = EF_SEARCH) =>
      async (vector: number[]) => {
        const literal = `[${vector.join(',')}]`;
        return database.transaction(async (sql) => {
          if (exact) {
            await sql('set local enable_indexscan = off');
            await sql('set local enable_bitmapscan = off');
          } else await sql(`set local hnsw.ef_search = ${efSearch}`);
          const rows = await sql<{ chunk_id: string }>(
            `select chunk_id from kb_embeddings where dimensions = 512 and collection_id = $2
           order by embedding::vector(512) <=> $1::vector(512) limit 10`,
            [literal, collection.id],
          );
          return rows.map((row) => row.chunk_id);
        });
      };
    const exact = await timed((index) => topTen(true)(vectors[index] ?? []), Math.min(vectors.length, 100));
    const recallOf = (results: unknown[]) => {
      let overlap = 0;
      (exact.results as string[][]).forEach((truth, index) => {
        const found = new Set((results as string[][])[index] ?? []);
        overlap += truth.filter((id) => found.has(id)).length / Math.max(1, truth.length);
      });
      return overlap / exact.results.length;
    };
    for (const ef of EF_SWEEP) {
      const run = await timed((index) => topTen(false, ef)(vectors[index] ?? []), vectors.length);
      console.log(
        `  ef_search ${String(ef).padEnd(4)} recall@10 ${recallOf(run.results).toFixed(3)}  ${latencyLine(run.summary)}`,
      );
    }
    const approximate = await timed((index) => topTen(false)(vectors[index] ?? []), vectors.length);
    const recall = recallOf(approximate.results);
    return { approximate, exact, recall };
  };
  const { approximate, exact, recall } = await measureIndex(
    'hashing vectors (the offline default):',
    queryVectors,
  );
  const outside = await measureIndex(
    'hashing vectors, questions with no answer in this corpus (the PostgreSQL evaluation questions):',
    await provider.embed(EVAL_QUESTIONS.map((question) => question.question)),
  );
  console.log(
    `  (out of distribution: recall@10 ${outside.recall.toFixed(3)}; near-ties make the exact top 10 arbitrary)`,
  );
  const search = new KnowledgeSearch(database);
  const scope = {
    tenantId: 'bench',
    platform: 'api' as const,
    channel: 'api:general',
    readers: ['alice'],
    admin: false,
  };
  const fullPath = (mode: 'vector' | 'fulltext' | 'hybrid') => (index: number) =>
    search.search({
      scope,
      embedding: collection.embedding,
      vector: queryVectors[index] ?? [],
      terms: queryTerms(queryTexts[index] ?? ''),
      mode,
      k: 10,
      efSearch: EF_SEARCH,
    });
  const vectorPath = await timed(fullPath('vector'), QUERIES);
  const textPath = await timed(fullPath('fulltext'), QUERIES);
  const hybridPath = await timed(fullPath('hybrid'), QUERIES);

  const report = (
    name: string,
    result: { approximate: typeof approximate; exact: typeof exact; recall: number },
  ) => {
    console.log(
      `${name}: HNSW top-10 (ef_search ${EF_SEARCH}):        ${latencyLine(result.approximate.summary)}`,
    );
    console.log(`${name}: exact top-10 (baseline, no index):  ${latencyLine(result.exact.summary)}`);
    console.log(`${name}: recall@10 of HNSW against exact:    ${result.recall.toFixed(3)}`);
  };
  report('hashing', { approximate, exact, recall });
  console.log(`full search path, vector (ACL SQL):   ${latencyLine(vectorPath.summary)}`);
  console.log(`full search path, full text (BM25):  ${latencyLine(textPath.summary)}`);
  console.log(`full search path, hybrid (fused):    ${latencyLine(hybridPath.summary)}`);
  const [postings] = await database.sql<{ rows: string; size: string }>(
    `select (select count(*) from kb_postings)::text as rows, pg_size_pretty(pg_total_relation_size('kb_postings')) as size`,
  );
  console.log(`full-text index: ${postings?.rows} postings, ${postings?.size} with its indexes`);
  const hybridP99 = hybridPath.summary.p99;
  console.log(
    `target (hybrid): p99 < 50 ms: ${hybridP99 < 50 ? 'met' : 'NOT met'} (${hybridP99.toFixed(1)} ms)`,
  );
  const [size] = await database.sql<{ table: string; index: string }>(
    `select pg_size_pretty(pg_total_relation_size('kb_embeddings')) as table, pg_size_pretty(pg_relation_size('kb_embeddings_hnsw_512')) as index`,
  );
  console.log(
    `storage: kb_embeddings ${size?.table} (HNSW index ${size?.index}); bench process RSS ${mb(process.memoryUsage().rss / 1024)}`,
  );
  if (process.env.CLUSTERED !== '1') {
    const p99 = approximate.summary.p99;
    console.log(
      `targets (hashing): HNSW p99 < 30 ms: ${p99 < 30 ? 'met' : 'NOT met'} (${p99.toFixed(1)} ms); recall@10 ≥ 0.95: ${recall >= 0.95 ? 'met' : 'NOT met'} (${recall.toFixed(3)})`,
    );
  } else {
    // The same chunks re-embedded with topic-clustered vectors (the shape of a semantic model's), through
    // the real re-embed path; then the same index measurements.
    const clustered = new ClusteredEmbeddings();
    const reembedStart = performance.now();
    const moved = await store.reembed(
      collection,
      { provider: clustered.name, model: clustered.model, dimensions: clustered.dimensions },
      (texts) => clustered.embed(texts),
    );
    console.log(
      `re-embed: ${perSecond(moved / ((performance.now() - reembedStart) / 1000))} chunks (${moved.toLocaleString('en-US')} in one transaction)`,
    );
    await database.sql('analyze kb_embeddings');
    const clusteredQueries = Array.from({ length: QUERIES }, (_, index) =>
      clustered.near(1_000_003 * (index + 1), 0.05),
    );
    const semantic = await measureIndex(
      'clustered vectors (shaped like a semantic model):',
      clusteredQueries,
    );
    report('clustered', semantic);
    for (const [name, result] of [
      ['hashing', { approximate, recall }],
      ['clustered', semantic],
    ] as const) {
      const p99 = result.approximate.summary.p99;
      console.log(
        `targets (${name}): HNSW p99 < 30 ms: ${p99 < 30 ? 'met' : 'NOT met'} (${p99.toFixed(1)} ms); recall@10 ≥ 0.95: ${result.recall >= 0.95 ? 'met' : 'NOT met'} (${result.recall.toFixed(3)})`,
      );
    }
  }
} finally {
  await database.close();
  // KEEP_DATABASE=1 leaves the filled database for experiments (its URL is printed; drop it by hand).
  if (server && process.env.KEEP_DATABASE === '1') console.log(`database kept: ${server.url}`);
  else await server?.drop();
}

/**
 * The corpus: real text (the machine's manual pages, see man-pages.ts) when there is enough of it, else
 * (or with CORPUS=synthetic) random topical sentences over the evaluation pages' vocabulary. Exactly TOTAL
 * chunks either way, the last document cut short.
 */
function benchCorpus(random: () => number): {
  documents: { title: string; chunks: string[] }[];
  description: string;
} {
  const real = process.env.CORPUS === 'synthetic' ? null : manPages();
  if (real && real.chunks >= TOTAL) {
    const documents: { title: string; chunks: string[] }[] = [];
    let left = TOTAL;
    for (const page of real.pages) {
      if (left === 0) break;
      documents.push({ title: page.title, chunks: page.chunks.slice(0, left) });
      left -= Math.min(left, page.chunks.length);
    }
    return {
      documents,
      description: "the English manual pages in /usr/share/man, chunked by the knowledge base's chunker",
    };
  }
  if (real) console.log(`(only ${real.chunks} chunks of manual pages here: using the synthetic corpus)`);
  const vocab = vocabulary();
  const subjects = topics(vocab, random, TOPICS, 300);
  const documents = Array.from({ length: Math.ceil(TOTAL / PER_DOCUMENT) }, (_, index) => {
    const topic = subjects[index % TOPICS];
    const size = Math.min(PER_DOCUMENT, TOTAL - index * PER_DOCUMENT);
    return {
      title: `Document ${index}`,
      chunks: Array.from({ length: size }, () =>
        topic
          ? topicalSentence(vocab, topic, random, 60 + Math.floor(random() * 80))
          : sentence(vocab, random, 80),
      ),
    };
  });
  return { documents, description: `synthetic, ${TOPICS} topics of random words` };
}
