import type nock from 'nock';
import { SERVICE_URL } from '../fixtures/teams/activities.ts';
import { contractNock } from './contract/index.ts';

/**
 * The Bot Connector as nock interceptors held to the Connector spec (botframework/ConnectorAPI.json):
 * every activity the bot posts or updates is recorded with its conversation id (raw, as Teams ids go into
 * paths), and answered with a fresh activity id. `throttle` answers the next N calls with 429.
 */
export interface ConnectorCall {
  method: string;
  conversationId: string;
  activityId: string | null;
  authorization: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the activity JSON field by field
  body: any;
}

export interface FakeConnector {
  calls: ConnectorCall[];
  posts(): ConnectorCall[];
  /** Answers the next `count` calls with 429 and this Retry-After (seconds). */
  throttle(count: number, retryAfterSeconds: number): void;
  scope: nock.Scope;
}

let nextActivityId = 1_763_950_000_000;

export function fakeConnector(serviceUrl = SERVICE_URL): FakeConnector {
  const base = serviceUrl.replace(/\/$/, '');
  const calls: ConnectorCall[] = [];
  let throttled = 0;
  let retryAfter = 1;
  const scope = contractNock('botframework-connector', base);
  const answer = () => {
    if (throttled > 0) {
      throttled -= 1;
      return [
        429,
        { error: { code: 'Throttled', message: 'Too many requests' } },
        { 'retry-after': String(retryAfter) },
      ];
    }
    nextActivityId += 1;
    return [200, { id: String(nextActivityId) }];
  };
  scope
    .persist()
    .post(/\/v3\/conversations$/)
    .reply(200, () => ({ id: 'a:1NewPersonalChat0000000000000000000000000000000000000000', activityId: '' }));
  scope
    .persist()
    .post(/\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/)
    .reply(answer as never);
  scope
    .persist()
    .put(/\/v3\/conversations\/[^/]+\/activities\/[^/]+$/)
    .reply(answer as never);
  scope.on('request', (request: Request, _interceptor: unknown, body: string) => {
    const path = new URL(request.url).pathname.slice(new URL(base).pathname.replace(/\/$/, '').length);
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (!match) return;
    calls.push({
      method: request.method,
      conversationId: decodeURIComponent(match[1] ?? ''),
      activityId: match[2] ?? null,
      authorization: request.headers.get('authorization'),
      body: body ? JSON.parse(body) : null,
    });
  });
  return {
    calls,
    posts: () => calls.filter((call) => call.method === 'POST'),
    throttle(count, retryAfterSeconds) {
      throttled = count;
      retryAfter = retryAfterSeconds;
    },
    scope,
  };
}
