/**
 * Contract tests against the vendors' official API descriptions (trimmed copies in test/fixtures/specs,
 * see its README): nock scopes held to the spec, JSON Schema validation, and Slack's payload samples.
 */
export { contractNock, resetContractOrigins } from './contract-nock.ts';
export { type JsonSchemaOptions, validateJsonSchema } from './json-schemas.ts';
export { contractProblems, reportProblem, settleContractProblems } from './problems.ts';
export { slackSample, unknownKeys } from './sample-keys.ts';
export {
  checkSlackArguments,
  checkSlackResponse,
  type NewerSlackMethod,
  registerSlackMethod,
} from './slack-web-spec.ts';
export type { ContractSpec, JsonSchemaName } from './spec-files.ts';
export { validateSpecRequest, validateSpecSchema } from './spec-schemas.ts';
