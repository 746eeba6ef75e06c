import { JSON_SCHEMA_FILES, SLACK_SAMPLES_DIRECTORY, SPEC_FILES } from './spec-files.ts';

/**
 * What the trimmed copies in test/fixtures/specs keep of the vendors' full files: the one list that
 * `npm run specs:trim` (scripts/trim-specs.ts) reads to regenerate them and their README. To test against
 * something new, add it here, run `npm run specs:trim` with the full files in ../shared/specs, and commit
 * the result; `npm run specs:usage` lists what the tests load that this list lacks.
 *
 * An OpenAPI entry keeps the named operations (`METHOD /path`, the path exactly as the spec writes it),
 * schemas and webhooks, plus everything they reference; other files are copied whole, byte for byte.
 */
export interface Provenance {
  /** Repository @ commit, or npm package @ version, and the path there. */
  source: string;
  version: string;
  licence: string;
  caveats: string;
}

export interface KeptOpenApi {
  kind: 'openapi';
  file: string;
  about: Provenance;
  operations: readonly string[];
  /** Named schemas validated on their own (components.schemas, or Swagger 2.0 definitions). */
  schemas?: readonly string[];
  /** Webhooks by name (OpenAPI 3.1 `webhooks`, or GitHub's `x-webhooks`). */
  webhooks?: readonly string[];
}

export interface KeptWhole {
  kind: 'whole';
  files: readonly string[];
  about: Provenance;
}

export type KeptSpec = KeptOpenApi | KeptWhole;

const SLACK_SPECS_LICENCE =
  'None stated (the repository has no licence file); published by Slack as an open specification';

/** Slack's payload samples, under SLACK_SAMPLES_DIRECTORY. */
const SLACK_SAMPLE_FILES = [
  'api/apps.connections.open.json',
  'api/chat.postMessage.json',
  'api/conversations.history.json',
  'api/files.completeUploadExternal.json',
  'api/files.getUploadURLExternal.json',
  'app-backend/interactive-components/BlockActionPayload.json',
  'app-backend/slash-commands/SlashCommandPayload.json',
  'app-backend/views/ViewSubmissionPayload.json',
  'events/AppHomeOpenedPayload.json',
  'events/AppMentionPayload.json',
  'events/MessageFileSharePayload.json',
  'events/MessagePayload.json',
];

export const KEPT_SPECS: readonly KeptSpec[] = [
  {
    kind: 'openapi',
    file: SPEC_FILES['slack-web'],
    about: {
      licence: SLACK_SPECS_LICENCE,
      source:
        'slackapi/slack-api-specs @ dfea73e06d146c368d7f94b52ac90796dc4e27e1 (2020-10-06; snapshot HEAD bc08db49625630e3585bf2f1322128ea04f2a7f3), web-api/slack_web_openapi_v2.json',
      version: '1.7.0',
      caveats:
        'Official but stale (August 2020): no files.getUploadURLExternal, no assistant or streaming methods, no `metadata` argument; the harness allows those by name (slack-web-spec.ts). Its argument lists are open and it wants a `token` argument that SDKs send as a header.',
    },
    operations: [
      'GET /auth.test',
      'POST /chat.delete',
      'POST /chat.postEphemeral',
      'POST /chat.postMessage',
      'POST /chat.update',
      'GET /conversations.members',
      'POST /conversations.open',
      'GET /oauth.v2.access',
      'GET /users.info',
      'GET /views.open',
      'GET /views.publish',
    ],
  },
  {
    kind: 'whole',
    files: [JSON_SCHEMA_FILES['slack-event-wrapper']],
    about: {
      licence: SLACK_SPECS_LICENCE,
      source:
        'slackapi/slack-api-specs @ 4dafb1e040f42b358d91dfe880b45b1948a6f6b8 (2018-05-16), events-api/slack_common_event_wrapper_schema.json',
      version: 'draft-07 JSON Schema, 2018',
      caveats:
        'Stale (2018): newer wrapper fields (`authorizations`, `event_context`, `is_ext_shared_channel`) are absent; the samples below have them.',
    },
  },
  {
    kind: 'whole',
    files: SLACK_SAMPLE_FILES.map((file) => `${SLACK_SAMPLES_DIRECTORY}${file}`),
    about: {
      source:
        'slackapi/java-slack-sdk snapshot HEAD 86ff7ca9915e21882def04c2d579ac02503f95fe (2026-08-07), json-logs/samples/',
      version: 'snapshot of 2026-08-07',
      licence: 'MIT',
      caveats:
        'Shape samples: keys are the union of every key Slack was seen to send, values are placeholders. Used as key allow-lists, never as realistic data. api/chat.postMessage.json is 2 MB because it holds every block and attachment type ever seen.',
    },
  },
  {
    kind: 'openapi',
    file: SPEC_FILES.github,
    about: {
      source:
        'npm @octokit/openapi@23.0.2, package/generated/api.github.com.json (tarball sha256 71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c), built by octokit/openapi from github/rest-api-description',
      version: '23.0.2',
      licence: 'MIT (info.license; github/rest-api-description is MIT too)',
      caveats:
        "Not byte-identical to GitHub's own description: octokit adds `x-octokit` to each operation, rewrites `info` and overrides about ten operations (none of the Actions or git data ones kept here). In the full file 135 schemas say `nullable` without a `type` (none of those is kept yet) and `workflow_id` is `oneOf [integer, string]`, which a numeric id matches twice: openapi-quirks.ts fixes both when loading. API version 2026-03-10 answers a workflow dispatch with 200 and the run id, which this file does not document yet.",
    },
    operations: [
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      // Provisioning on GitHub Actions.
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      'GET /repos/{owner}/{repo}/actions/runs',
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
      'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
    ],
    webhooks: [
      'workflow-job-completed',
      'workflow-job-in-progress',
      'workflow-job-queued',
      'workflow-job-waiting',
      'workflow-run-completed',
      'workflow-run-in-progress',
      'workflow-run-requested',
    ],
  },
  {
    kind: 'openapi',
    file: SPEC_FILES['jira-platform'],
    about: {
      source:
        'jarekbird/jira-api-mcp-wrapper @ 9a9e84dacce9900b0bd4f1f095f5f1bdf3ce0168 (2025-12-25; snapshot HEAD fea6054694f99860c85887a64b9f169fec71ed18), swagger-v3.v3.json: a verbatim download of https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json',
      version: '1001.0.0-SNAPSHOT-57a0ca5b4a0bb0ac5f3fee4764acb1c14e4d7e71',
      licence: 'Apache 2.0 (info.license of the file; the copying repository states none for it)',
      caveats:
        "Third-party copy of Atlassian's file (Atlassian publishes it only at a URL); byte identity with Atlassian's server cannot be proven. Its schemas reject `nextPageToken: null` (omit the key on the last page).",
    },
    operations: [
      'GET /rest/api/3/search/jql',
      'POST /rest/api/3/search/jql',
      'GET /rest/api/3/field',
      'POST /rest/api/3/changelog/bulkfetch',
      'GET /rest/api/3/issue/{issueIdOrKey}',
      'GET /rest/api/3/issue/{issueIdOrKey}/changelog',
      'GET /rest/api/3/myself',
      'GET /rest/api/3/project/{projectIdOrKey}',
      'GET /rest/api/3/project/{projectIdOrKey}/statuses',
      'GET /rest/api/3/status',
    ],
  },
  {
    kind: 'openapi',
    file: SPEC_FILES['jira-software'],
    about: {
      source:
        'salto-io/jira-swaggers @ e9edd0efc751bbc5b2a2c33f8755f9ed04e14158 (2022-07-17), software-swagger.v3.json: fetched nightly by that repository from https://developer.atlassian.com/cloud/jira/software/swagger.v3.json',
      version: '1001.0.0',
      licence: 'Apache 2.0 (info.license of the file; the copying repository states none for it)',
      caveats:
        'Third-party copy and stale (July 2022, 53 paths); no newer copy was found. Re-download from Atlassian before trusting it for endpoints added since.',
    },
    operations: [
      'GET /rest/agile/1.0/board',
      'GET /rest/agile/1.0/board/{boardId}',
      'GET /rest/agile/1.0/board/{boardId}/configuration',
      'GET /rest/agile/1.0/board/{boardId}/issue',
      'GET /rest/agile/1.0/board/{boardId}/sprint',
      'GET /rest/agile/1.0/sprint/{sprintId}',
      'GET /rest/agile/1.0/sprint/{sprintId}/issue',
    ],
    // The sprint list has no response schema in this copy: sprint fixtures are checked against SprintBean.
    schemas: ['SprintBean'],
  },
  {
    kind: 'openapi',
    file: SPEC_FILES['botframework-connector'],
    about: {
      source:
        'microsoft/botbuilder-js @ 7a5a7913d23291e72d5e6085bb520a05d16239aa (2020-09-28; snapshot HEAD 29b8341da1c0ae477e6c32c43170011e4247689a), libraries/swagger/ConnectorAPI.json',
      version: 'v3',
      licence: 'MIT',
      caveats:
        'Official but old (2020), Swagger 2.0 (converted to OpenAPI 3 when loaded; `x-nullable` is made `nullable` by openapi-quirks.ts). Teams `channelData` and card content are plain objects: cards are validated against the Adaptive Cards schema separately.',
    },
    operations: [
      'POST /v3/conversations',
      'POST /v3/conversations/{conversationId}/activities',
      'PUT /v3/conversations/{conversationId}/activities/{activityId}',
      'DELETE /v3/conversations/{conversationId}/activities/{activityId}',
    ],
    schemas: ['Activity'],
  },
  {
    kind: 'whole',
    files: [JSON_SCHEMA_FILES['adaptive-card-1.5']],
    about: {
      source:
        'microsoft/AdaptiveCards @ 93695cf2df1117ab08e36ebe707d0ced18e4e9b3 (2021-11-15; snapshot HEAD 644d933e185a8482c4dcf4c375d177aac37fd095), schemas/1.5.0/adaptive-card.json',
      version: '1.5',
      licence: 'MIT',
      caveats:
        'Draft-06 written with the draft-04 `id` keyword (json-schemas.ts renames it to `$id` for Ajv 8).',
    },
  },
  {
    kind: 'whole',
    files: [JSON_SCHEMA_FILES['adaptive-card-1.6']],
    about: {
      source:
        'microsoft/AdaptiveCards @ 459ede492b1258a829419346f558385a04ab52a6 (2023-05-18), schemas/1.6.0/adaptive-card.json',
      version: '1.6',
      licence: 'MIT',
      caveats:
        'Kept because the harness offers it by name (`adaptive-card-1.6`); Teams supports 1.6 only in part, so cards are validated against 1.5.',
    },
  },
  {
    kind: 'whole',
    files: [JSON_SCHEMA_FILES['mcp-2025-11-25']],
    about: {
      source:
        'modelcontextprotocol/modelcontextprotocol @ c4c367f9f58296a7053f5c78a52fd02bfbb56a49 (2026-07-27), schema/2025-11-25/schema.json',
      version: '2025-11-25',
      licence: 'MIT',
      caveats:
        'The revision the pinned MCP SDK negotiates (its LATEST_PROTOCOL_VERSION); the /mcp contract test checks every message against it.',
    },
  },
  {
    kind: 'whole',
    files: [JSON_SCHEMA_FILES['mcp-2026-07-28']],
    about: {
      source:
        'modelcontextprotocol/modelcontextprotocol @ 271ecc9accafdd9b83a3c869fa67c22953b2af80 (2026-07-28; snapshot HEAD b0f60ba5409db7a6582440a7b473cc0398890f15), schema/2026-07-28/schema.json',
      version: '2026-07-28',
      licence: 'MIT',
      caveats:
        'The current revision; kept because the harness offers it by name (`mcp-2026-07-28`) for when the SDK moves to it. Its examples/ folder is not kept.',
    },
  },
];
