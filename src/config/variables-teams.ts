import { z } from 'zod';
import type { Variable } from './variables.ts';

/**
 * Microsoft Teams: the Azure Bot registration (app id, client secret, tenant for single-tenant apps), the
 * cloud, and which Bot Connector hosts and Entra tenants the bot talks to. The adapter is on when
 * TEAMS_APP_ID is set, and always in `chatops dev` (unauthenticated, like the Bot Framework Emulator).
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z.string().regex(GUID, 'a GUID such as 00000000-0000-0000-0000-000000000000');
const hostPattern = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;

/** Hosts of the Bot Connector service in the public and government clouds (where replies are sent). */
export const DEFAULT_TEAMS_SERVICE_HOSTS =
  'smba.trafficmanager.net,*.botframework.com,*.botframework.us,*.botframework.azure.us,*.botframework.azure.cn,*.teams.microsoft.com,*.teams.microsoft.us';

export const TEAMS_VARIABLES = [
  {
    name: 'TEAMS_APP_ID',
    schema: guid,
    description:
      'Microsoft App ID of the Azure Bot (its Entra app registration). Set: the Teams endpoint /api/messages is on. Unset: Teams is off, except in `chatops dev`, which accepts unauthenticated activities.',
    remedy: 'Copy "Microsoft App ID" from the Azure Bot\'s Configuration page, e.g. TEAMS_APP_ID=<GUID>.',
  },
  {
    name: 'TEAMS_APP_PASSWORD',
    schema: z.string().min(8),
    description: 'Client secret of that app registration: the bot signs its replies with tokens from it.',
    remedy:
      'Create a client secret under the app registration\'s "Certificates & secrets" and paste its value.',
    secret: true,
  },
  {
    name: 'TEAMS_APP_TENANT_ID',
    schema: guid,
    description:
      'Entra tenant of a single-tenant app registration (tokens come from it, and only its activities are accepted). Unset: a multi-tenant registration.',
    remedy: 'Copy "Directory (tenant) ID" from the app registration, or unset it for a multi-tenant bot.',
  },
  {
    name: 'TEAMS_ALLOWED_TENANTS',
    schema: z.string().regex(/^[A-Za-z0-9.-]+(\s*,\s*[A-Za-z0-9.-]+)*$/, 'comma-separated tenant ids'),
    description:
      'Entra tenants (comma-separated ids) whose Teams activities a multi-tenant bot accepts. Unset: every tenant that installs the app.',
    remedy: 'List tenant ids separated by commas, e.g. TEAMS_ALLOWED_TENANTS=<GUID>,<GUID>.',
  },
  {
    name: 'TEAMS_CLOUD',
    schema: z.enum(['Public', 'USGov', 'USGovDoD', 'China']),
    defaultValue: 'Public',
    description: 'Microsoft cloud of the bot registration: Public, USGov, USGovDoD or China.',
    remedy: 'Set TEAMS_CLOUD to one of Public, USGov, USGovDoD, China.',
  },
  {
    name: 'TEAMS_SERVICE_HOSTS',
    schema: z
      .string()
      .refine((value) => value.split(',').every((host) => hostPattern.test(host.trim())), 'host patterns'),
    defaultValue: DEFAULT_TEAMS_SERVICE_HOSTS,
    description:
      "Hosts (comma-separated, `*.` for subdomains) an activity's serviceUrl may name: the bot sends its token only there.",
    remedy: 'List host names separated by commas, e.g. smba.trafficmanager.net,*.botframework.com.',
  },
  {
    name: 'TEAMS_SERVICE_URL',
    schema: z.url({ protocol: /^https?$/ }),
    defaultValue: 'https://smba.trafficmanager.net/teams/',
    description:
      'Bot Connector URL for messages the bot starts itself (schedules, MCP requests) in a conversation it has not heard from yet.',
    remedy: "Use the serviceUrl your tenant's activities carry, e.g. https://smba.trafficmanager.net/emea/.",
  },
  {
    name: 'TEAMS_LOGIN_ENDPOINT',
    schema: z.url({ protocol: /^https?$/ }),
    description:
      "Overrides the cloud's Entra login endpoint (where the bot gets its tokens), for private clouds and test doubles.",
    remedy: 'Use the authority host without a tenant, e.g. https://login.microsoftonline.com, or unset it.',
  },
  {
    name: 'TEAMS_OPENID_METADATA_URL',
    schema: z.url({ protocol: /^https?$/ }),
    description:
      "Overrides the cloud's Bot Framework OpenID metadata (the keys inbound tokens are checked against), for private clouds and test doubles.",
    remedy:
      'Use a URL ending in /openidconfiguration, e.g. https://login.botframework.com/v1/.well-known/openidconfiguration, or unset it.',
  },
] as const satisfies readonly Variable[];
