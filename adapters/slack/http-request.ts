import type { IncomingMessage } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { verifySlackRequest } from '@slack/bolt';
import { ChatOpsError, readLimitedBody } from '../../src/core/index.ts';

/**
 * One request to /slack/events, checked the way Slack signs it: `v0=HMAC-SHA256(secret, "v0:<timestamp>:<raw
 * body>")` compared in constant time (Bolt's `verifySlackRequest`), over the exact bytes received, so a body
 * re-serialised on the way fails. The timestamp must be within five minutes either side: Bolt only rejects
 * old ones, and a request stamped in the future is as much a replay risk as a stale one.
 */
export type SlackRequest =
  | { kind: 'ssl-check' }
  | { kind: 'url-verification'; challenge: string }
  | { kind: 'payload'; body: Record<string, unknown>; retryNum?: number; retryReason?: string };

const MAX_SKEW_SECONDS = 5 * 60;

export type Headers = Record<string, string | string[] | undefined>;

export function verifyRequest(
  rawBody: string,
  headers: Headers,
  signingSecret: string,
  nowMs: number,
): SlackRequest {
  const contentType = header(headers, 'content-type')?.split(';')[0]?.trim();
  const form = contentType === 'application/x-www-form-urlencoded';
  if (form && rawBody === 'ssl_check=1') return { kind: 'ssl-check' };
  const signature = header(headers, 'x-slack-signature');
  const timestamp = Number(header(headers, 'x-slack-request-timestamp'));
  if (!signature || !Number.isInteger(timestamp)) throw unauthorized('the signature headers are missing');
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_SKEW_SECONDS) {
    throw unauthorized('the request timestamp is more than five minutes off');
  }
  try {
    verifySlackRequest({
      signingSecret,
      body: rawBody,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: nowMs,
    });
  } catch {
    throw unauthorized('the signature does not match');
  }
  const body = parseBody(rawBody, form);
  if (body.type === 'url_verification' && typeof body.challenge === 'string') {
    return { kind: 'url-verification', challenge: body.challenge };
  }
  const retryNum = Number(header(headers, 'x-slack-retry-num'));
  const retryReason = header(headers, 'x-slack-retry-reason');
  return {
    kind: 'payload',
    body,
    ...(Number.isInteger(retryNum) ? { retryNum } : {}),
    ...(retryReason ? { retryReason } : {}),
  };
}

/** Events are JSON; slash commands are a form; interactivity is a form whose `payload` field is JSON. */
function parseBody(rawBody: string, form: boolean): Record<string, unknown> {
  try {
    if (!form) return asObject(JSON.parse(rawBody));
    const fields = parseForm(rawBody);
    if (typeof fields.payload === 'string') return asObject(JSON.parse(fields.payload));
    return Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]),
    );
  } catch {
    throw new ChatOpsError('INVALID_JSON', 'The Slack request body could not be parsed.', {
      remedy: 'Slack sends events as JSON and interactivity as a form with a JSON payload field.',
    });
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unauthorized(reason: string): ChatOpsError {
  return new ChatOpsError('UNAUTHORIZED', `Not a genuine Slack request: ${reason}.`, {
    remedy: "Check SLACK_SIGNING_SECRET against the app's Basic Information page.",
  });
}

/** Reads the raw body (the signature is over these exact bytes), refusing more than `maxBytes`. */
export async function readRawBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const body = await readLimitedBody(req, {
    maxBytes,
    subject: 'The Slack request',
    remedy: 'Raise API_MAX_BODY_BYTES if Slack really sends requests this large.',
  });
  return body.toString('utf8');
}
