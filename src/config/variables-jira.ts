import { z } from 'zod';
import type { Variable, VariableValues } from './variables.ts';

/**
 * Jira analytics: where Jira is (any URL: Jira Cloud, a proxy, a test double), how the bot signs in, and
 * the defaults a channel starts from. Unset JIRA_HOST turns `/jira` off (the skill says how to turn it on).
 */
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, 'not a time zone');

export const JIRA_VARIABLES = [
  {
    name: 'JIRA_HOST',
    schema: z.url({ protocol: /^https?$/ }),
    description:
      'Base URL of Jira (https://your-site.atlassian.net, a proxy, or a test double). Set: `/jira` reports are on. Every Jira request goes to this URL.',
    remedy: 'Use the site URL without a path, e.g. https://acme.atlassian.net.',
  },
  {
    name: 'JIRA_EMAIL',
    schema: z.email(),
    description:
      'Email of the Atlassian account the bot reads Jira as (Basic auth with JIRA_API_TOKEN). Unset with a token: the token is sent as a bearer token (Jira Data Center personal access tokens).',
    remedy: 'Set the email address of the account that owns JIRA_API_TOKEN.',
  },
  {
    name: 'JIRA_API_TOKEN',
    schema: z.string().min(8),
    description:
      'API token of that account (id.atlassian.com → Security → API tokens). The bot only reads: a read-only account is enough.',
    remedy: 'Create an API token for the account in JIRA_EMAIL and paste it whole.',
    secret: true,
  },
  {
    name: 'JIRA_STORY_POINTS_FIELD',
    schema: z.string().regex(/^(customfield_\d+|[a-z][A-Za-z]*)$/),
    description:
      "Field id of story points, e.g. customfield_10016. Unset: the board's estimation field, else the field named Story Points or Story point estimate in /rest/api/3/field.",
    remedy: 'Use a field id such as customfield_10016 (GET /rest/api/3/field lists them).',
  },
  {
    name: 'JIRA_DEFAULT_BOARD',
    schema: positiveInt(2_147_483_647),
    description: 'Board of channels that have not chosen one with `/jira config board=<id>`.',
    remedy: 'Set the numeric board id (the number in the board URL, …/boards/12).',
  },
  {
    name: 'JIRA_DEFAULT_PROJECT',
    schema: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/),
    description: 'Project key of channels that have not chosen one with `/jira config project=<KEY>`.',
    remedy: 'Set a project key in capitals, e.g. JIRA_DEFAULT_PROJECT=OPS.',
  },
  {
    name: 'JIRA_TIMEZONE',
    schema: timeZone,
    defaultValue: 'UTC',
    description:
      'Time zone whose calendar days cycle times, throughput weeks and sprint days are counted in (a channel may choose its own).',
    remedy: 'Use an IANA time zone name, e.g. Europe/Berlin or America/New_York.',
  },
  {
    name: 'JIRA_SYNC_MAX_AGE_SECONDS',
    schema: z.coerce.number().int().min(0).max(86_400),
    defaultValue: '120',
    description:
      'A report re-syncs its board or project first when the snapshot is older than this (0: always).',
    remedy: 'Set seconds, e.g. 120.',
  },
  {
    name: 'JIRA_CONCURRENCY',
    schema: positiveInt(16),
    defaultValue: '4',
    description: 'Jira requests in flight at once during a sync.',
    remedy: 'Set a whole number from 1 to 16.',
  },
  {
    name: 'JIRA_MAX_RETRIES',
    schema: z.coerce.number().int().min(0).max(10),
    defaultValue: '5',
    description:
      'Retries of one Jira request after 429 (honouring Retry-After), 5xx or a network error, with jittered backoff.',
    remedy: 'Set a whole number from 0 to 10.',
  },
  {
    name: 'JIRA_TIMEOUT_MS',
    schema: positiveInt(600_000),
    defaultValue: '30000',
    description: 'Longest wait for one Jira request.',
    remedy: 'Set milliseconds, e.g. 30000.',
  },
  {
    name: 'JIRA_STUCK_IN_REVIEW_DAYS',
    schema: positiveInt(365),
    defaultValue: '3',
    description:
      'The blockers report lists work in a review status (a status or board column named like "review") for longer than this many calendar days.',
    remedy: 'Set a whole number of days, e.g. 3.',
  },
] as const satisfies readonly Variable[];

export interface JiraConfig {
  readonly host: string;
  /** Basic (email + token), bearer (token alone) or none (a proxy or a public site). */
  readonly auth:
    | { readonly kind: 'basic'; readonly email: string; readonly token: string }
    | { readonly kind: 'bearer'; readonly token: string }
    | { readonly kind: 'none' };
  readonly storyPointsField: string | undefined;
  readonly defaultBoard: number | undefined;
  readonly defaultProject: string | undefined;
  readonly timezone: string;
  readonly syncMaxAgeSeconds: number;
  readonly concurrency: number;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly stuckInReviewDays: number;
}

/** Builds the Jira section (null when JIRA_HOST is unset); half a credential is a start-up error. */
export function jiraConfig(
  values: VariableValues<typeof JIRA_VARIABLES>,
  problem: (message: string, remedy: string) => Error,
): JiraConfig | null {
  const host = values.JIRA_HOST;
  const email = values.JIRA_EMAIL;
  const token = values.JIRA_API_TOKEN;
  if (email && !token) {
    throw problem('JIRA_EMAIL is set but JIRA_API_TOKEN is not.', 'Set JIRA_API_TOKEN as well.');
  }
  if (!host) return null;
  return {
    host: host.replace(/\/+$/, ''),
    auth:
      email && token ? { kind: 'basic', email, token } : token ? { kind: 'bearer', token } : { kind: 'none' },
    storyPointsField: values.JIRA_STORY_POINTS_FIELD,
    defaultBoard: values.JIRA_DEFAULT_BOARD,
    defaultProject: values.JIRA_DEFAULT_PROJECT,
    timezone: values.JIRA_TIMEZONE,
    syncMaxAgeSeconds: values.JIRA_SYNC_MAX_AGE_SECONDS,
    concurrency: values.JIRA_CONCURRENCY,
    maxRetries: values.JIRA_MAX_RETRIES,
    timeoutMs: values.JIRA_TIMEOUT_MS,
    stuckInReviewDays: values.JIRA_STUCK_IN_REVIEW_DAYS,
  };
}
