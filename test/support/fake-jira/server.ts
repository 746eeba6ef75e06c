import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  boardJson,
  configurationJson,
  fieldsJson,
  issueJson,
  jiraTime,
  pageOf,
  sprintJson,
  statusesJson,
} from './jira-json.ts';
import { type JiraWorld, S, type WorldIssue } from './world.ts';

/**
 * A fake Jira Cloud on 127.0.0.1 serving a JiraWorld through the operations the bot uses, with Jira's
 * pagination (search pages linked by `nextPageToken`, absent on the last page; bulk changelog pages; agile
 * `startAt`/`isLast`), Jira's field shapes and timestamp format, Basic auth, and 429s with Retry-After on
 * demand. Every request is recorded, so tests can check them against the vendor's spec.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
}

export interface FakeJiraOptions {
  world: JiraWorld;
  credentials?: { email: string; token: string };
  /** Largest search page the fake returns whatever is asked (forces pagination in small tests). */
  searchPageSize?: number;
  changelogPageSize?: number;
  now?: () => number;
}

export interface FakeJira {
  url: string;
  world: JiraWorld;
  requests: RecordedRequest[];
  /** The next `times` requests whose path matches answer 429 with `Retry-After: seconds`. */
  rateLimit(path: RegExp, times: number, seconds: number): void;
  close(): Promise<void>;
}

export async function startFakeJira(options: FakeJiraOptions): Promise<FakeJira> {
  const { world } = options;
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const limits: { path: RegExp; remaining: number; seconds: number }[] = [];
  let base = '';

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      });
      const limit = limits.find((rule) => rule.remaining > 0 && rule.path.test(url.pathname));
      if (limit) {
        limit.remaining -= 1;
        return send(
          res,
          429,
          { errorMessages: ['Rate limit exceeded.'] },
          { 'retry-after': String(limit.seconds) },
        );
      }
      if (
        options.credentials &&
        !url.pathname.startsWith('/__fake/') &&
        !authorised(req, options.credentials)
      )
        return send(res, 401, { errorMessages: ['You are not authenticated.'] });
      try {
        const [status, answer] = route(req.method ?? 'GET', url, body);
        send(res, status, answer);
      } catch (error) {
        send(res, 400, { errorMessages: [(error as Error).message] });
      }
    });
  });

  type Answer = [number, unknown];
  const missing = (message: string): Answer => [404, { errorMessages: [message] }];

  function route(method: string, url: URL, body: unknown): Answer {
    const path = url.pathname;
    // Not Jira: lets a benchmark in another process change issues (as people would) before an incremental sync.
    if (method === 'POST' && path === '/__fake/touch')
      return [200, { touched: touch((body as { count: number }).count) }];
    if (method === 'GET' && path === '/rest/api/3/field') return [200, fieldsJson()];
    if (method === 'GET' && path === '/rest/api/3/status') return [200, statusesJson(base)];
    if (method === 'POST' && path === '/rest/api/3/search/jql') return [200, search(body as SearchBody)];
    if (method === 'POST' && path === '/rest/api/3/changelog/bulkfetch')
      return [200, changelogs(body as ChangelogBody)];
    const project = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(path);
    if (project && method === 'GET') {
      const key = decodeURIComponent(project[1] ?? '');
      const board = world.boards.find((candidate) => candidate.projectKey === key);
      if (!board) return missing(`No project could be found with key '${key}'.`);
      return [
        200,
        {
          self: `${base}/rest/api/3/project/${board.projectId}`,
          id: board.projectId,
          key,
          name: `${key} project`,
        },
      ];
    }
    if (method === 'GET' && path === '/rest/agile/1.0/board') {
      const key = url.searchParams.get('projectKeyOrId');
      return [
        200,
        pageOf(
          world.boards.filter((b) => !key || b.projectKey === key).map((b) => boardJson(base, b)),
          url,
        ),
      ];
    }
    const agile = /^\/rest\/agile\/1\.0\/board\/(\d+)(\/configuration|\/sprint)?$/.exec(path);
    if (agile && method === 'GET') {
      const board = world.boards.find((candidate) => candidate.id === Number(agile[1]));
      if (!board) return missing(`Board ${agile[1]} does not exist or you do not have permission to see it.`);
      if (!agile[2]) return [200, boardJson(base, board)];
      if (agile[2] === '/configuration') return [200, configurationJson(base, board)];
      const sprints = [...world.sprints.values()].filter((sprint) => sprint.boardId === board.id);
      return [
        200,
        pageOf(
          sprints.map((sprint) => sprintJson(base, sprint)),
          url,
        ),
      ];
    }
    return missing(`fake Jira has no ${method} ${path}`);
  }

  function touch(count: number): string[] {
    const order = [S.todo, S.progress, S.review, S.done];
    const chosen = [...world.issues.values()].filter((issue) => issue.type !== 'Sub-task').slice(-count);
    const at = now();
    chosen.forEach((issue, index) => {
      if (index % 3 === 0)
        world.transition(
          issue,
          order[(order.indexOf(issue.status as never) + 1) % order.length] ?? S.todo,
          at,
        );
      else if (index % 3 === 1) world.estimate(issue, (issue.points ?? 0) + 1, at);
      else world.flag(issue, !issue.flagged, at);
    });
    return chosen.map((issue) => issue.key);
  }

  type SearchBody = { jql: string; fields?: string[]; maxResults?: number; nextPageToken?: string };
  function search(request: SearchBody) {
    const matching = selectIssues(request.jql);
    const size = Math.min(request.maxResults ?? 50, options.searchPageSize ?? 5000);
    const offset = request.nextPageToken
      ? Number(Buffer.from(request.nextPageToken, 'base64url').toString())
      : 0;
    const slice = matching.slice(offset, offset + size);
    const next =
      offset + size < matching.length ? Buffer.from(String(offset + size)).toString('base64url') : null;
    return {
      issues: slice.map((issue) => issueJson(world, base, issue, request.fields ?? ['id'])),
      // Jira's schema has no null here: the key is left out on the last page.
      ...(next ? { nextPageToken: next } : {}),
      isLast: next === null,
    };
  }

  // A search's pages all ask the same JQL: filter and sort once per world version, as Jira's index would.
  const searches = new Map<string, { version: number; issues: WorldIssue[] }>();
  function selectIssues(jql: string): WorldIssue[] {
    const cached = searches.get(jql);
    if (cached && cached.version === world.version && !/updated\s*>=/.test(jql)) return cached.issues;
    const issues = findIssues(jql);
    searches.set(jql, { version: world.version, issues });
    return issues;
  }

  function findIssues(jql: string): WorldIssue[] {
    const filter = /filter\s*=\s*(\d+)/.exec(jql)?.[1];
    const project = /project\s*=\s*"?([A-Z][A-Z0-9_]*)"?/.exec(jql)?.[1];
    const minutes = /updated\s*>=\s*"-(\d+)m"/.exec(jql)?.[1];
    const projectKey = filter ? world.boards.find((board) => board.filterId === filter)?.projectKey : project;
    if (!projectKey)
      throw new Error(`The value '${filter ?? project}' does not exist for the field 'filter'.`);
    const since = minutes ? now() - Number(minutes) * 60_000 : Number.NEGATIVE_INFINITY;
    return [...world.issues.values()]
      .filter((issue) => issue.project === projectKey && issue.updated >= since)
      .sort((left, right) => Number(left.id) - Number(right.id));
  }

  type ChangelogBody = {
    issueIdsOrKeys: string[];
    fieldIds?: string[];
    maxResults?: number;
    nextPageToken?: string;
  };
  function changelogs(request: ChangelogBody) {
    const entries: { issueId: string; history: WorldIssue['histories'][number] }[] = [];
    for (const wanted of request.issueIdsOrKeys) {
      const issue = world.issues.get(wanted) ?? [...world.issues.values()].find((i) => i.key === wanted);
      if (!issue) continue;
      for (const history of issue.histories) {
        const items = history.items.filter(
          (item) => !request.fieldIds?.length || request.fieldIds.includes(item.fieldId),
        );
        if (items.length > 0) entries.push({ issueId: issue.id, history: { ...history, items } });
      }
    }
    const size = Math.min(request.maxResults ?? 1000, options.changelogPageSize ?? 1000);
    const offset = request.nextPageToken
      ? Number(Buffer.from(request.nextPageToken, 'base64url').toString())
      : 0;
    const slice = entries.slice(offset, offset + size);
    const grouped = new Map<string, unknown[]>();
    for (const entry of slice) {
      const list = grouped.get(entry.issueId) ?? [];
      list.push({
        id: entry.history.id,
        author: { accountId: 'acc-0', displayName: 'Ana Silva', active: true },
        created: jiraTime(entry.history.created),
        // Jira sends null for empty values; its schema types them as strings, so empty ones are left out.
        items: entry.history.items.map((item) =>
          Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null)),
        ),
      });
      grouped.set(entry.issueId, list);
    }
    const next =
      offset + size < entries.length ? Buffer.from(String(offset + size)).toString('base64url') : null;
    return {
      issueChangeLogs: [...grouped.entries()].map(([issueId, changeHistories]) => ({
        issueId,
        changeHistories,
      })),
      ...(next ? { nextPageToken: next } : {}),
    };
  }

  // Longer than the clients' idle keep-alive, so a reused connection is never closed under a request.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    world,
    requests,
    rateLimit(path, times, seconds) {
      limits.push({ path, remaining: times, seconds });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorised(req: IncomingMessage, credentials: { email: string; token: string }): boolean {
  const expected = `Basic ${Buffer.from(`${credentials.email}:${credentials.token}`).toString('base64')}`;
  return req.headers.authorization === expected;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}
