import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the vendors' official API descriptions live: trimmed copies in test/fixtures/specs (see its README
 * for where each file came from and what was kept; `npm run specs:trim` regenerates them from the full
 * files). CONTRACT_SPECS_DIRECTORY points the harness at the full files instead (`npm run specs:usage`).
 * Contract tests read them as they are and never edit them.
 */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TRIMMED_SPECS_DIRECTORY = fileURLToPath(new URL('../../fixtures/specs/', import.meta.url));
export const SPECS_DIRECTORY = process.env.CONTRACT_SPECS_DIRECTORY
  ? `${resolve(process.env.CONTRACT_SPECS_DIRECTORY)}/`
  : TRIMMED_SPECS_DIRECTORY;
/** Converted and patched copies, rebuilt when the source file changes (gitignored). */
export const CACHE_DIRECTORY = fileURLToPath(new URL('../../../.cache/contract/', import.meta.url));

export type ContractSpec =
  | 'slack-web'
  | 'github'
  | 'jira-platform'
  | 'jira-software'
  | 'botframework-connector';

export type JsonSchemaName =
  | 'adaptive-card-1.5'
  | 'adaptive-card-1.6'
  | 'mcp-2025-11-25'
  | 'mcp-2026-07-28'
  | 'slack-event-wrapper';

export const SPEC_FILES: Record<ContractSpec, string> = {
  'slack-web': 'slack/slack-api-specs/web-api/slack_web_openapi_v2.json',
  github: 'github/octokit-openapi-23.0.2/api.github.com.json',
  'jira-platform': 'jira/platform/swagger-v3.v3.json',
  'jira-software': 'jira/software/software-swagger.v3.json',
  'botframework-connector': 'botframework/ConnectorAPI.json',
};

export const JSON_SCHEMA_FILES: Record<JsonSchemaName, string> = {
  'adaptive-card-1.5': 'adaptivecards/1.5.0/adaptive-card.json',
  'adaptive-card-1.6': 'adaptivecards/1.6.0/adaptive-card.json',
  'mcp-2025-11-25': 'mcp/2025-11-25/schema.json',
  'mcp-2026-07-28': 'mcp/2026-07-28/schema.json',
  'slack-event-wrapper': 'slack/slack-api-specs/events-api/slack_common_event_wrapper_schema.json',
};

/** Slack-maintained shape samples (java-slack-sdk json-logs): Web API responses, events, interactivity. */
export const SLACK_SAMPLES_DIRECTORY = 'slack/java-slack-sdk/json-logs/samples/';

export function specPath(relative: string): string {
  const path = `${SPECS_DIRECTORY}${relative}`;
  if (!existsSync(path)) {
    throw new Error(
      `Contract spec ${relative} is missing at ${path}. Add it to test/support/contract/kept-specs.ts and run \`npm run specs:trim\` (with the full specs in ../shared/specs).`,
    );
  }
  return path;
}
