import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordingApprovals } from '../fakes/recording-approvals.ts';
import { fixtureSkills, ran } from '../fixtures/skills/manifests.ts';
import type { FakeJira } from '../support/fake-jira/server.ts';
import { allSkills, type Harness, startHarness } from '../support/harness.ts';
import { fakeJiraWith, jiraEnv } from '../support/jira.ts';
import { mcpSchemaChecker, type RecordedMessage, recordingFetch } from '../support/mcp-schema.ts';

// Our /mcp endpoint, exercised by the MCP SDK's own client over Streamable HTTP, with every JSON-RPC
// message checked against the official schema of the protocol version the SDK negotiates.
describe('the bot as an MCP server (/mcp)', () => {
  let harness: Harness;
  let key: string;
  let client: Client;
  const approvals = new RecordingApprovals();
  const recorded: RecordedMessage[] = [];
  let handshake: RecordedMessage[] = [];
  const schemaProblems = mcpSchemaChecker(LATEST_PROTOCOL_VERSION);
  let jira: FakeJira;

  beforeAll(async () => {
    jira = await fakeJiraWith({ issues: 120 });
    harness = await startHarness({
      database: 'postgresql',
      mode: 'gateway',
      skills: [...allSkills, ...fixtureSkills],
      approvals: approvals.port,
      env: jiraEnv(jira),
    });
    key = (await harness.runtime.apiKeys.create('claude-desktop', 'default')).key;
    client = new Client({ name: 'contract-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${harness.baseUrl}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
        fetch: recordingFetch(recorded),
      }),
    );
    handshake = [...recorded];
  });
  afterAll(async () => {
    await client?.close();
    await harness?.close();
    await jira?.close();
  });
  beforeEach(() => {
    recorded.length = 0;
  });

  const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
    (result.content as { type: string; text: string }[]).map((part) => part.text).join('\n');

  it('refuses requests without a valid API key', async () => {
    const response = await fetch(`${harness.baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('negotiates the current protocol and lists the skills as tools, with their hints', async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'chatops' });
    expect(handshake.map((entry) => entry.message.method ?? 'response')).toEqual([
      'initialize',
      'response',
      'notifications/initialized',
    ]);
    expect(handshake[1]?.message.result).toMatchObject({ protocolVersion: '2025-11-25' });
    expect(schemaProblems(handshake)).toEqual([]);
    // The checker is not vacuous: a call without a tool name breaks the schema.
    const broken = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: {} };
    expect(schemaProblems([{ direction: 'sent', message: broken }])).not.toEqual([]);
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining([
        'chat',
        'help',
        'status',
        'ask',
        'jira',
        'rfp',
        'hr',
        'deploy-service',
        'digest',
      ]),
    );
    expect(byName.run).toBeUndefined();
    expect(byName['deploy-service']?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(byName.jira?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName['deploy-service']?.inputSchema).toMatchObject({
      properties: { env: { enum: ['dev', 'staging', 'prod'] } },
      required: ['service', 'env'],
    });
    expect(schemaProblems(recorded)).toEqual([]);
    expect(recorded.map((entry) => entry.message.method ?? 'response')).toEqual(['tools/list', 'response']);
  });

  it('runs a skill through the queue and answers with what it replied', async () => {
    const result = await client.callTool({
      name: 'jira',
      arguments: { report: 'workload', project: 'OPS', request: 'who holds the work in progress' },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(
      /^\d+ items? in progress in OPS across \d+ assignees?.*\n\n— task [0-9a-f-]+ · succeeded · posted in #mcp \(api\)$/s,
    );
    const chat = await client.callTool({
      name: 'chat',
      arguments: { request: 'how many vacation days do I have left?' },
    });
    expect(textOf(chat)).toContain('hr handled: how many vacation days do I have left?');
    expect(schemaProblems(recorded)).toEqual([]);
  });

  it('turns a deployment request into an approval in chat, never a direct action', async () => {
    const before = approvals.requests.length;
    const result = await client.callTool({
      name: 'deploy-service',
      arguments: { service: 'payments', env: 'prod', size: '3' },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('needs an approval before it runs');
    expect(ran.some((entry) => entry.skill === 'deploy-service')).toBe(false);
    const requested = approvals.requests.slice(before);
    expect(requested.map((entry) => entry.request.action)).toEqual([
      {
        kind: 'command',
        name: 'deploy-service',
        args: { service: 'payments', env: 'prod', size: '3' },
        executor: 'deploy-service',
      },
    ]);
    expect(requested[0]?.request.environment).toBe('prod');
    expect(requested[0]?.task.replyTo).toMatchObject({ platform: 'api', channel: 'mcp' });
    // The request is visible in the chat channel where people approve it.
    const channel = await harness.request('GET', '/api/v1/channels/mcp/messages', undefined, {
      authorization: `Bearer ${key}`,
    });
    expect(channel.body.messages.map((message: { text: string }) => message.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/deploy-service changes things, so it needs an approval'),
      ]),
    );
    expect(schemaProblems(recorded)).toEqual([]);
  });

  it('answers bad arguments as a tool error the client can show, and an unknown tool as a protocol error', async () => {
    const bad = await client.callTool({
      name: 'deploy-service',
      arguments: { service: 'payments', env: 'moon', colour: 'red' },
    });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('`env` must be one of dev, staging, prod');
    expect(textOf(bad)).toContain('`colour` is not an argument of deploy-service');
    await expect(client.callTool({ name: 'format-disk', arguments: {} })).rejects.toThrow(
      /Unknown tool: format-disk/,
    );
    expect(schemaProblems(recorded)).toEqual([]);
    expect(recorded.filter((entry) => 'error' in entry.message)).toHaveLength(1);
  });
});
