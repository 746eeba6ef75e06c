import { ErrorCode } from '@slack/web-api';
import { ChatOpsError, isChatOpsError, type SendOutcome } from '../../src/core/index.ts';

/**
 * Web API failures as ChatOpsErrors the worker understands: 429 asks to run again after Slack's Retry-After
 * (as `details.retryAfterMs`, the same mechanism the Teams sender uses), outages are retried with backoff,
 * and the rest (bot not in the channel, revoked token, missing scope, bad blocks) fail at once with what to
 * do about it. `details.slackError` keeps Slack's own error code for callers that fall back.
 */
interface SlackFailure {
  code?: string;
  original?: { name?: string; code?: string; cause?: { code?: string } };
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string; needed?: string; response_metadata?: { messages?: string[] } };
  message?: string;
}

const MAX_RETRY_AFTER_MS = 10 * 60_000;

const REMEDIES: Record<string, { code: 'FORBIDDEN' | 'NOT_FOUND' | 'VALIDATION_FAILED'; remedy: string }> = {
  not_in_channel: {
    code: 'FORBIDDEN',
    remedy: 'Invite the bot to the channel (/invite @chatops), or give the app the chat:write.public scope.',
  },
  channel_not_found: {
    code: 'NOT_FOUND',
    remedy: 'The channel is gone or private to the bot: invite the bot, or check the channel id.',
  },
  is_archived: { code: 'FORBIDDEN', remedy: 'The channel is archived; unarchive it or use another one.' },
  invalid_auth: {
    code: 'FORBIDDEN',
    remedy: 'Check SLACK_BOT_TOKEN (or reinstall the app for this workspace through /slack/install).',
  },
  not_authed: {
    code: 'FORBIDDEN',
    remedy: 'Set SLACK_BOT_TOKEN, or install the app through /slack/install.',
  },
  token_revoked: {
    code: 'FORBIDDEN',
    remedy: 'The app was uninstalled or its token revoked: install it again.',
  },
  account_inactive: { code: 'FORBIDDEN', remedy: 'The bot user is deactivated: reinstall the app.' },
  missing_scope: {
    code: 'FORBIDDEN',
    remedy:
      'Add the scope Slack names to the app (manifests/slack/manifest.yml lists them all) and reinstall.',
  },
  user_not_found: { code: 'NOT_FOUND', remedy: 'Check the Slack user id.' },
  message_not_found: { code: 'NOT_FOUND', remedy: 'The message was deleted; nothing to update.' },
  cant_update_message: { code: 'FORBIDDEN', remedy: 'Only messages the bot posted can be updated.' },
  expired_trigger_id: {
    code: 'VALIDATION_FAILED',
    remedy: 'Run the command again: a form must open within 3 seconds.',
  },
};

export function slackError(error: unknown, what: string): ChatOpsError {
  if (isChatOpsError(error)) return error;
  const failure = (error ?? {}) as SlackFailure;
  if (failure.code === ErrorCode.RateLimitedError) {
    const seconds = Number(failure.retryAfter);
    const retryAfterMs =
      Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 1000;
    return new ChatOpsError('RATE_LIMITED', `Slack is rate limiting the bot (${what}).`, {
      remedy: 'Nothing to do: the reply is delayed, not lost, and is sent after the time Slack asked for.',
      details: { retryAfterMs, sendOutcome: 'not-sent' },
      cause: error,
    });
  }
  if (failure.code === ErrorCode.PlatformError) {
    const slack = failure.data?.error ?? 'unknown_error';
    if (
      ['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited'].includes(
        slack,
      )
    ) {
      // Slack says an internal or fatal error may come after part of the work was done.
      const outcome = ['internal_error', 'fatal_error'].includes(slack) ? 'unknown' : 'not-sent';
      return unavailable(`Slack failed (${what}: ${slack}).`, error, slack, outcome);
    }
    const known = REMEDIES[slack];
    const needed = failure.data?.needed ? ` (needs ${failure.data.needed})` : '';
    const hints = failure.data?.response_metadata?.messages?.slice(0, 3).join('; ');
    return new ChatOpsError(
      known?.code ?? 'VALIDATION_FAILED',
      `Slack refused ${what}: ${slack}${needed}${hints ? ` — ${hints}` : ''}.`,
      {
        remedy: known?.remedy ?? 'This is likely a bug in the Slack adapter: report it with the worker log.',
        details: { slackError: slack, sendOutcome: 'not-sent' },
        cause: error,
      },
    );
  }
  if (failure.code === ErrorCode.HTTPError && failure.statusCode !== undefined && failure.statusCode < 500) {
    return new ChatOpsError('VALIDATION_FAILED', `Slack answered HTTP ${failure.statusCode} (${what}).`, {
      remedy: 'Check SLACK_API_URL; this is not an answer Slack gives to a correct request.',
      details: { slackError: `http_${failure.statusCode}`, sendOutcome: 'not-sent' },
      cause: error,
    });
  }
  return unavailable(
    `Slack did not answer (${what}: ${failure.message ?? 'no answer'}).`,
    error,
    'unavailable',
    neverConnected(failure) ? 'not-sent' : 'unknown',
  );
}

/** Network errors that happen before a request is sent: Slack cannot have acted on it. */
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

function neverConnected(failure: SlackFailure): boolean {
  const code = failure.original?.cause?.code ?? failure.original?.code;
  return failure.code === ErrorCode.RequestError && code !== undefined && BEFORE_SENDING.has(code);
}

/**
 * `sendOutcome` says whether a failed post may still have landed (a timeout, a connection lost after the
 * request went out, a 5xx): posts that must land exactly once look in the channel before trying again.
 */
function unavailable(message: string, cause: unknown, slack: string, outcome: SendOutcome): ChatOpsError {
  return new ChatOpsError('DEPENDENCY_UNAVAILABLE', message, {
    remedy: 'This is usually brief; the reply is retried.',
    details: { slackError: slack, sendOutcome: outcome },
    cause,
  });
}

/** Slack's error code of a mapped error (`not_in_channel`, …), or null. */
export function slackErrorCode(error: unknown): string | null {
  if (!isChatOpsError(error)) return null;
  const value = error.details.slackError;
  return typeof value === 'string' ? value : null;
}
