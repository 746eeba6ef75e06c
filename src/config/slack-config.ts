import { ChatOpsError } from '../core/errors.ts';
import type { ProcessMode, VariableValues } from './variables.ts';
import type { SLACK_VARIABLES } from './variables-slack.ts';

/** Slack (src/config/variables-slack.ts). */
export interface SlackConfig {
  /** True when the adapter is on: a complete single-workspace or OAuth setup (the worker needs only tokens). */
  readonly enabled: boolean;
  /** `single`: SLACK_BOT_TOKEN for one workspace; `oauth`: installations in the database. */
  readonly install: 'single' | 'oauth';
  readonly botToken: string | undefined;
  readonly signingSecret: string | undefined;
  /** Set: Socket Mode instead of HTTP. */
  readonly appToken: string | undefined;
  readonly oauth: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly stateSecret: string;
    readonly redirectUrl: string | undefined;
  } | null;
  /** Always ends in `/`. */
  readonly apiUrl: string;
  readonly channelPostIntervalMs: number;
}

/**
 * Which Slack setup the variables describe. Half a setup stops the process with what is missing, because a
 * bot that silently ignores Slack is worse than one that does not start. Workers only send, so they need a
 * token source but neither the signing secret nor the app token.
 */
export function slackConfig(values: VariableValues<typeof SLACK_VARIABLES>, mode: ProcessMode): SlackConfig {
  const botToken = values.SLACK_BOT_TOKEN;
  const signingSecret = values.SLACK_SIGNING_SECRET;
  const appToken = values.SLACK_APP_TOKEN;
  const clientId = values.SLACK_CLIENT_ID;
  const clientSecret = values.SLACK_CLIENT_SECRET;
  const stateSecret = values.SLACK_STATE_SECRET;
  const oauthParts = [clientId, clientSecret, stateSecret].filter(Boolean).length;
  if (oauthParts > 0 && oauthParts < 3) {
    throw slackProblem(
      'SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET go together (multi-workspace installs).',
      'Set all three, or none of them for a single workspace with SLACK_BOT_TOKEN.',
    );
  }
  const oauth =
    clientId && clientSecret && stateSecret
      ? { clientId, clientSecret, stateSecret, redirectUrl: values.SLACK_REDIRECT_URL }
      : null;
  if (oauth && botToken) {
    throw slackProblem(
      'SLACK_BOT_TOKEN and the OAuth settings (SLACK_CLIENT_ID …) are both set.',
      'Use SLACK_BOT_TOKEN for one workspace, or the OAuth settings for installs into many, not both.',
    );
  }
  const tokenSource = Boolean(botToken || oauth);
  const receives = mode === 'gateway' || mode === 'dev';
  if (receives && tokenSource && !signingSecret && !appToken) {
    throw slackProblem(
      'Slack has a token but no way to receive: SLACK_SIGNING_SECRET (HTTP) and SLACK_APP_TOKEN (Socket Mode) are unset.',
      'Set SLACK_SIGNING_SECRET to receive on /slack/events, or SLACK_APP_TOKEN for Socket Mode.',
    );
  }
  if (receives && oauth && !signingSecret) {
    throw slackProblem(
      'OAuth installs need SLACK_SIGNING_SECRET: the install pages and events are served over HTTP.',
      "Copy the Signing Secret from the app's Basic Information page.",
    );
  }
  if (receives && !tokenSource && (signingSecret || appToken)) {
    throw slackProblem(
      'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set, but the bot has no token to answer with.',
      'Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (installs).',
    );
  }
  const apiUrl = values.SLACK_API_URL;
  return {
    enabled: tokenSource,
    install: oauth ? 'oauth' : 'single',
    botToken,
    signingSecret,
    appToken,
    oauth,
    apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    channelPostIntervalMs: values.SLACK_CHANNEL_POST_INTERVAL_MS,
  };
}

function slackProblem(message: string, remedy: string): ChatOpsError {
  return new ChatOpsError('CONFIG_INVALID', `Configuration is invalid:\n  - ${message}`, {
    remedy,
    details: { problems: [message] },
  });
}
