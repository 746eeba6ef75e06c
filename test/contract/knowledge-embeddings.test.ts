import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenAiCompatibleEmbeddings, VoyageEmbeddings } from '../../src/knowledge/embed/remote.ts';

// Hosted embedding providers against their documented request and response shapes (no public OpenAPI
// file is in ../shared/specs for either): Voyage AI's POST /v1/embeddings (docs.voyageai.com, "Text
// embedding models") and OpenAI's POST /v1/embeddings (platform.openai.com, "Create embeddings"), which
// OpenAI-compatible servers copy. Requests are checked strictly: a field either API does not document fails.
const VoyageRequest = z.strictObject({
  input: z.union([z.string(), z.array(z.string()).max(1000)]),
  model: z.string(),
  input_type: z.enum(['query', 'document']).nullable().optional(),
  truncation: z.boolean().optional(),
  output_dimension: z
    .union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048)])
    .nullable()
    .optional(),
  output_dtype: z.enum(['float', 'int8', 'uint8', 'binary', 'ubinary']).optional(),
  encoding_format: z.literal('base64').nullable().optional(),
});
const OpenAiRequest = z.strictObject({
  input: z.union([z.string(), z.array(z.string()).max(2048)]),
  model: z.string(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

const vector = (seed: number, size: number) =>
  Array.from({ length: size }, (_, index) => ((seed + index) % 7) / 7);

function answer(inputs: string[], size: number, model: string, usage: Record<string, number>) {
  // Deliberately out of order: clients must put vectors back by `index`.
  const data = inputs
    .map((_, index) => ({ object: 'embedding', embedding: vector(index, size), index }))
    .reverse();
  return { object: 'list', data, model, usage };
}

describe('embedding providers (documented shapes)', () => {
  const sent: { body: unknown; authorization: string | null }[] = [];
  afterEach(() => {
    sent.length = 0;
    nock.cleanAll();
  });

  function intercept(
    base: string,
    path: string,
    reply: (body: { input: string[] }) => unknown,
    status = 200,
  ) {
    return nock(base)
      .post(path)
      .reply(async (request: Request) => {
        const body = JSON.parse(await request.text());
        sent.push({ body, authorization: request.headers.get('authorization') });
        return [status, status === 200 ? reply(body) : { detail: 'Invalid API key' }];
      });
  }

  it('Voyage AI: documents and queries with input_type, output_dimension, vectors in input order', async () => {
    intercept('https://api.voyageai.com', '/v1/embeddings', (body) =>
      answer(body.input, 512, 'voyage-3.5', { total_tokens: 12 }),
    )
      .post('/v1/embeddings')
      .reply(200, answer(['q'], 512, 'voyage-3.5', { total_tokens: 3 }));
    const voyage = new VoyageEmbeddings({
      baseUrl: 'https://api.voyageai.com/v1',
      apiKey: 'pa-FAKE-test-key',
      model: 'voyage-3.5',
      dimensions: 512,
    });
    const vectors = await voyage.embed(['first passage', 'second passage'], 'document');
    expect(vectors.map((item) => item[0])).toEqual([vector(0, 1)[0], vector(1, 1)[0]]);
    expect(vectors[0]).toHaveLength(512);
    await voyage.embed(['a question'], 'query');
    expect(sent[0]?.authorization).toBe('Bearer pa-FAKE-test-key');
    expect(VoyageRequest.safeParse(sent[0]?.body).error?.issues ?? []).toEqual([]);
    expect(sent[0]?.body).toEqual({
      input: ['first passage', 'second passage'],
      model: 'voyage-3.5',
      input_type: 'document',
      truncation: true,
      output_dimension: 512,
    });
    expect(voyage.dimensions).toBe(512);
  });

  it('OpenAI-compatible: model, encoding_format and dimensions; the size is learnt from the answer', async () => {
    intercept('http://127.0.0.1:11434', '/v1/embeddings', (body) =>
      answer(body.input, 8, 'text-embedding-3-small', { prompt_tokens: 4, total_tokens: 4 }),
    );
    const openai = new OpenAiCompatibleEmbeddings({
      baseUrl: 'http://127.0.0.1:11434/v1/',
      apiKey: undefined,
      model: 'text-embedding-3-small',
      dimensions: undefined,
    });
    expect(openai.dimensions).toBeNull();
    const vectors = await openai.embed(['one', 'two', 'three'], 'document');
    expect(vectors).toHaveLength(3);
    expect(openai.dimensions).toBe(8);
    expect(OpenAiRequest.safeParse(sent[0]?.body).error?.issues ?? []).toEqual([]);
    expect(sent[0]).toEqual({
      body: { input: ['one', 'two', 'three'], model: 'text-embedding-3-small', encoding_format: 'float' },
      authorization: null,
    });
  });

  it('batches large inputs and maps refusals to errors that say what to fix', async () => {
    const scope = intercept('https://api.openai.com', '/v1/embeddings', (body) =>
      answer(body.input, 4, 'm', { prompt_tokens: 1, total_tokens: 1 }),
    ).persist();
    const openai = new OpenAiCompatibleEmbeddings({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-FAKE',
      model: 'm',
      dimensions: 4,
    });
    const many = Array.from({ length: 200 }, (_, index) => `text ${index}`);
    expect(await openai.embed(many, 'document')).toHaveLength(200);
    expect(sent.map((request) => (request.body as { input: string[] }).input.length)).toEqual([96, 96, 8]);
    expect(sent[0]?.body).toMatchObject({ dimensions: 4 });
    scope.persist(false);
    nock.cleanAll();
    intercept('https://api.voyageai.com', '/v1/embeddings', () => ({}), 401);
    const voyage = new VoyageEmbeddings({
      baseUrl: 'https://api.voyageai.com/v1',
      apiKey: 'pa-bad',
      model: 'voyage-3.5',
      dimensions: undefined,
    });
    await expect(voyage.embed(['x'], 'query')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      retryable: false,
    });
    intercept('https://api.voyageai.com', '/v1/embeddings', () => ({}), 429);
    await expect(voyage.embed(['x'], 'query')).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      retryable: true,
    });
  });
});
