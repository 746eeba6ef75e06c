import { afterEach, describe, expect, it } from 'vitest';
import {
  checkSlackArguments,
  checkSlackResponse,
  contractNock,
  contractProblems,
  registerSlackMethod,
  settleContractProblems,
  slackSample,
  unknownKeys,
  validateJsonSchema,
} from '../support/contract/index.ts';

// The harness must catch what it promises to catch, or every contract test built on it proves nothing.
describe('contract harness', () => {
  afterEach(async () => {
    await settleContractProblems();
  });

  it('checks Slack arguments strictly: unknown, missing and mistyped arguments are problems', () => {
    expect(
      checkSlackArguments('chat.postMessage', { channel: 'C0123ABCDEF', text: 'hi', thread_ts: '1.2' }),
    ).toEqual([]);
    expect(checkSlackArguments('chat.postMessage', { channel: 'C0123ABCDEF', txet: 'hi' })[0]).toMatch(
      /no argument "txet"/,
    );
    expect(checkSlackArguments('chat.postMessage', { text: 'hi' })).toEqual([
      'slack-web: chat.postMessage requires "channel"',
    ]);
    expect(checkSlackArguments('users.info', { user: 'U0123ABCDEF', include_locale: 'maybe' })[0]).toMatch(
      /boolean/,
    );
    expect(checkSlackArguments('chat.postMessage', { channel: 'C0123ABCDEF', metadata: '{}' })).toEqual([]);
  });

  it('checks Slack responses against the success and error schemas', () => {
    expect(checkSlackResponse('auth.test', 200, { ok: false, error: 'invalid_auth' })).toEqual([]);
    expect(
      checkSlackResponse('auth.test', 200, { ok: false, error: 'no_such_error' }).length,
    ).toBeGreaterThan(0);
    expect(checkSlackResponse('auth.test', 429, { ok: false, error: 'ratelimited' })).toEqual([]);
  });

  it('checks methods newer than the spec by their registered arguments and Slack response sample', () => {
    registerSlackMethod('files.getUploadURLExternal', {
      required: ['filename', 'length'],
      optional: ['alt_txt', 'snippet_type'],
      responseSample: 'files.getUploadURLExternal.json',
    });
    expect(checkSlackArguments('files.getUploadURLExternal', { filename: 'a.png', length: '3' })).toEqual([]);
    expect(checkSlackArguments('files.getUploadURLExternal', { filename: 'a.png' })).toEqual([
      'slack-web: files.getUploadURLExternal requires "length"',
    ]);
    const fixture = { ok: true, upload_url: 'https://files.slack.com/upload/v1/abc', file_id: 'F0123ABCDEF' };
    expect(checkSlackResponse('files.getUploadURLExternal', 200, fixture)).toEqual([]);
    expect(checkSlackResponse('files.getUploadURLExternal', 200, { ...fixture, made_up: 1 })).toEqual([
      'slack-web: files.getUploadURLExternal response has "made_up", which Slack\'s sample lacks',
    ]);
  });

  it('records a nock interceptor on a path the spec lacks, and a reply fixture that breaks the schema', async () => {
    contractNock('github', 'https://api.github.com')
      .get('/repos/acme/widgets/no-such-endpoint')
      .reply(200, {});
    contractNock('github', 'https://api.github.com')
      .get('/repos/acme/widgets')
      .reply(200, { id: 'not a number' });
    const problems = await contractProblems();
    expect(
      problems.some((problem) => problem.includes('no operation GET /repos/acme/widgets/no-such-endpoint')),
    ).toBe(true);
    expect(problems.some((problem) => problem.includes('repos/get 200 response'))).toBe(true);
  });

  it('validates the requests we send against the operation (Bot Framework Connector, converted from Swagger 2.0)', async () => {
    const conversation = '19:abc@thread.tacv2;messageid=1700000000000';
    const scope = contractNock('botframework-connector', 'https://smba.trafficmanager.net/teams')
      .post(`/v3/conversations/${conversation}/activities`)
      .times(2)
      .reply(200, { id: '1700000000001' });
    const url = `https://smba.trafficmanager.net/teams/v3/conversations/${conversation}/activities`;
    const good = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hello' }),
    });
    expect(good.status).toBe(200);
    expect(await contractProblems()).toEqual([]);
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 42 }),
    });
    expect((await contractProblems()).some((problem) => problem.includes('request'))).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it('validates JSON Schemas: Adaptive Cards 1.5 and MCP definitions', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'hi' }] };
    expect(validateJsonSchema('adaptive-card-1.5', card)).toEqual([]);
    expect(
      validateJsonSchema('adaptive-card-1.5', { ...card, body: [{ type: 'TextBlock' }] }).length,
    ).toBeGreaterThan(0);
    const result = { content: [{ type: 'text', text: 'ok' }], isError: false };
    expect(validateJsonSchema('mcp-2025-11-25', result, { definition: 'CallToolResult' })).toEqual([]);
    expect(
      validateJsonSchema('mcp-2025-11-25', { content: 'ok' }, { definition: 'CallToolResult' }).length,
    ).toBeGreaterThan(0);
  });

  it('finds keys that Slack never sends by comparing with its payload samples', () => {
    const sample = slackSample('events/AppMentionPayload.json');
    expect(
      unknownKeys({ type: 'event_callback', event: { type: 'app_mention', text: 'hi' } }, sample),
    ).toEqual([]);
    expect(unknownKeys({ event: { type: 'app_mention', bogus: true } }, sample)).toEqual(['event.bogus']);
  });
});
