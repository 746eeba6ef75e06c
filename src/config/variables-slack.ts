import { z } from 'zod';
import type { Variable } from './variables.ts';

/**
 * Slack: one workspace with a bot token, or many through the OAuth install flow; HTTP (the Events API on
 * /slack/events, checked with the signing secret) or Socket Mode (an app-level token, for workspaces
 * without a public URL). The adapter is on when the settings of one of those shapes are complete.
 */
const secret = (prefix: string, example: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}-[A-Za-z0-9-]{10,}$`), `a token starting with ${prefix}- (${example})`);

export const SLACK_VARIABLES = [
  {
    name: 'SLACK_SIGNING_SECRET',
    schema: z.string().regex(/^[0-9a-f]{32,64}$/i, 'the hexadecimal signing secret of the Slack app'),
    description:
      'Signing secret of the Slack app: every request to /slack/events must carry its signature. With SLACK_BOT_TOKEN (or the OAuth settings) it turns the Slack adapter on.',
    remedy: 'Copy "Signing Secret" from the app\'s Basic Information page on api.slack.com/apps.',
    secret: true,
  },
  {
    name: 'SLACK_BOT_TOKEN',
    schema: secret('xoxb', 'xoxb-…'),
    description:
      'Bot token of a single-workspace install (OAuth & Permissions → Bot User OAuth Token). Unset with the OAuth settings: tokens come from installations.',
    remedy: 'Copy the "Bot User OAuth Token" (xoxb-…) after installing the app to your workspace.',
    secret: true,
  },
  {
    name: 'SLACK_APP_TOKEN',
    schema: secret('xapp', 'xapp-…'),
    description:
      'App-level token with connections:write: the gateway receives Slack over Socket Mode instead of /slack/events (no public URL needed).',
    remedy:
      'Create one under Basic Information → App-Level Tokens with the connections:write scope, or unset it to use HTTP.',
    secret: true,
  },
  {
    name: 'SLACK_CLIENT_ID',
    schema: z.string().regex(/^\d+\.\d+$/, 'digits, a dot, digits (e.g. 1234567890.1234567890)'),
    description:
      'Client ID of the Slack app, for multi-workspace installs through /slack/install (installations are stored in the database).',
    remedy: 'Copy "Client ID" from the app\'s Basic Information page, or unset it for a single workspace.',
  },
  {
    name: 'SLACK_CLIENT_SECRET',
    schema: z.string().regex(/^[0-9a-f]{32}$/i, 'the 32-character hexadecimal client secret'),
    description: 'Client secret of the Slack app (OAuth installs).',
    remedy: 'Copy "Client Secret" from the app\'s Basic Information page.',
    secret: true,
  },
  {
    name: 'SLACK_STATE_SECRET',
    schema: z.string().min(16, 'at least 16 characters'),
    description:
      'Secret that signs the OAuth state of /slack/install, so an install callback cannot be forged or replayed.',
    remedy: 'Set any random string of 16 or more characters, e.g. the output of `openssl rand -hex 24`.',
    secret: true,
  },
  {
    name: 'SLACK_REDIRECT_URL',
    schema: z.url({ protocol: /^https?$/ }),
    description:
      'Public URL of /slack/oauth_redirect, when the app lists several redirect URLs. Unset: Slack uses the only one listed.',
    remedy:
      'Use the URL listed under OAuth & Permissions → Redirect URLs, e.g. https://bot.example.com/slack/oauth_redirect.',
  },
  {
    name: 'SLACK_API_URL',
    schema: z.url({ protocol: /^https?$/ }),
    defaultValue: 'https://slack.com/api/',
    description:
      'Slack Web API base URL: change it for GovSlack (https://slack-gov.com/api/), a proxy or a test double.',
    remedy: 'Use a URL ending in /api/, e.g. https://slack.com/api/.',
  },
  {
    name: 'SLACK_CHANNEL_POST_INTERVAL_MS',
    schema: z.coerce.number().int().min(0).max(60_000),
    defaultValue: '1000',
    description:
      'Least time between two messages the bot posts in one Slack channel (Slack allows about one per second); later posts wait their turn.',
    remedy: 'Set a number of milliseconds, e.g. SLACK_CHANNEL_POST_INTERVAL_MS=1000.',
  },
] as const satisfies readonly Variable[];
