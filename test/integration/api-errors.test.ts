import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.ts';

// Bad input gets a clear error in the documented shape, and nothing is half-written: no task, no message,
// no job.
describe('REST API errors', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      database: 'postgresql',
      env: { API_MAX_BODY_BYTES: '2048', API_RATE_LIMIT_PER_MINUTE: '5' },
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function nothingWritten() {
    const [tasks] = await harness.runtime.database.sql<{ count: string }>('select count(*) from tasks');
    const [messages] = await harness.runtime.database.sql<{ count: string }>('select count(*) from messages');
    const jobs = await harness.runtime.queue.queue.getJobCounts(
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
    );
    expect(Number(tasks?.count)).toBe(0);
    expect(Number(messages?.count)).toBe(0);
    expect(Object.values(jobs).every((value) => value === 0)).toBe(true);
  }

  function expectErrorShape(body: unknown, code: string) {
    expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
  }

  it('answers 400 naming each field at fault', async () => {
    const answer = await harness.request('POST', '/api/v1/messages', { channel: 'bad channel!', text: '' });
    expect(answer.status).toBe(400);
    expectErrorShape(answer.body, 'VALIDATION_FAILED');
    const fields = answer.body.error.details.fields.map((field: { field: string }) => field.field).sort();
    expect(fields).toEqual(['channel', 'text', 'user']);
    await nothingWritten();
  });

  it('answers 400 for a misspelt field and for invalid JSON', async () => {
    const misspelt = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      txt: 'hi',
    });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.details.fields).toContainEqual({
      field: '(body)',
      message: expect.stringContaining('txt'),
    });
    const broken = await harness.request('POST', '/api/v1/messages', '{"channel": "general",', {
      'content-type': 'application/json',
    });
    expect(broken.status).toBe(400);
    expectErrorShape(broken.body, 'INVALID_JSON');
    await nothingWritten();
  });

  it('answers 415 for a body that is not JSON', async () => {
    const answer = await harness.request('POST', '/api/v1/messages', 'channel=general', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(415);
    expectErrorShape(answer.body, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a declared or a streamed body over the limit', async () => {
    const declared = await harness.request('POST', '/api/v1/messages', {
      channel: 'general',
      user: 'alice',
      text: 'x'.repeat(5000),
    });
    expect(declared.status).toBe(413);
    expectErrorShape(declared.body, 'BODY_TOO_LARGE');

    // Chunked upload without Content-Length: cut off once it passes the limit.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL('/api/v1/messages', harness.baseUrl);
      const request = httpRequest(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.write(`{"channel":"general","user":"alice","text":"${'y'.repeat(1500)}`);
      request.write('z'.repeat(1500));
      request.end('"}');
    });
    expect(streamed.status).toBe(413);
    expectErrorShape(JSON.parse(streamed.body), 'BODY_TOO_LARGE');
    await nothingWritten();
  });

  it('answers 404 for an unknown task, thread or message, and 400 for a button the message lacks', async () => {
    expect((await harness.request('GET', '/api/v1/tasks/not-a-task')).status).toBe(404);
    expect((await harness.request('GET', '/api/v1/tasks/01a20476-accb-7280-a646-d78271d2ab76')).status).toBe(
      404,
    );
    expect((await harness.request('GET', '/api/v1/threads/nope/messages')).status).toBe(404);
    const click = await harness.request('POST', '/api/v1/actions', {
      messageId: '01a20476-accb-7280-a646-d78271d2ab76',
      actionId: 'status.refresh',
      user: 'alice',
    });
    expect(click.status).toBe(404);
    expectErrorShape(click.body, 'NOT_FOUND');
    expect((await harness.request('DELETE', '/api/v1/messages')).status).toBe(405);
    await nothingWritten();
  });

  it('answers 429 with Retry-After and X-RateLimit headers past the per-user limit', async () => {
    const body = { channel: 'general', user: 'rate-limited-user', text: '/status' };
    const answers = [];
    for (let index = 0; index < 7; index += 1)
      answers.push(await harness.request('POST', '/api/v1/messages', body));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202, 429, 429]);
    const limited = answers[5];
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited?.headers.get('x-ratelimit-limit')).toBe('5');
    expect(limited?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited?.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    expectErrorShape(limited?.body, 'RATE_LIMITED');
    expect(answers[0]?.headers.get('x-ratelimit-remaining')).toBe('4');
    const [tasks] = await harness.runtime.database.sql<{ count: string }>(
      `select count(*) from tasks where user_id = 'rate-limited-user'`,
    );
    expect(Number(tasks?.count)).toBe(5);
    // Another user is not affected.
    expect(
      (await harness.request('POST', '/api/v1/messages', { ...body, user: 'someone-else' })).status,
    ).toBe(202);
  });
});

describe('REST API outside dev', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ database: 'postgresql', mode: 'gateway' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('requires an API key and accepts a valid one', async () => {
    const body = { channel: 'general', user: 'alice', text: '/status' };
    const missing = await harness.request('POST', '/api/v1/messages', body);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('chatops api-key create'),
    });
    const wrong = await harness.request('POST', '/api/v1/messages', body, {
      authorization: 'Bearer cok_wrong',
    });
    expect(wrong.status).toBe(401);

    const { key } = await harness.runtime.apiKeys.create('integration', 'default');
    const [stored] = await harness.runtime.database.sql<{ key_hash: string }>(
      'select key_hash from api_keys',
    );
    expect(stored?.key_hash).not.toContain(key.slice(4));
    // A key acts as itself: naming a person in "user" needs the act-as scope, which this key lacks.
    const asAlice = await harness.request('POST', '/api/v1/messages', body, {
      authorization: `Bearer ${key}`,
    });
    expect(asAlice.status).toBe(403);
    expect(asAlice.body.error.code).toBe('SCOPE_REQUIRED');
    const { user: _named, ...asItself } = body;
    const accepted = await harness.request('POST', '/api/v1/messages', asItself, {
      authorization: `Bearer ${key}`,
    });
    expect(accepted.status).toBe(202);
    expect((await harness.runtime.ledger.get(accepted.body.taskId))?.payload.user).toEqual({
      id: 'key:integration',
      name: 'integration (API key)',
    });
    expect(
      (
        await harness.request('GET', `/api/v1/tasks/${accepted.body.taskId}`, undefined, {
          authorization: `Bearer ${key}`,
        })
      ).status,
    ).toBe(200);

    await harness.runtime.apiKeys.revoke('integration', 'default');
    expect(
      (await harness.request('POST', '/api/v1/messages', asItself, { authorization: `Bearer ${key}` }))
        .status,
    ).toBe(401);
  });

  it('does not serve the web chat outside dev', async () => {
    expect((await harness.request('GET', '/')).status).toBe(404);
  });
});
