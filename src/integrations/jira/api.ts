import type { z } from 'zod';
import type { JiraHttp } from './http.ts';
import {
  BoardConfigurationSchema,
  BoardPageSchema,
  BoardSchema,
  ChangelogPageSchema,
  FieldListSchema,
  ProjectSchema,
  SearchPageSchema,
  SprintPageSchema,
  StatusListSchema,
} from './schemas.ts';

/**
 * The Jira REST operations the snapshot needs, each one method + path of the platform API (v3) or the
 * Jira Software (agile 1.0) API. Searches use `/rest/api/3/search/jql` with `nextPageToken` (the old
 * `/search` answers 410); changelogs come from the bulk endpoint, because the changelog embedded in search
 * results stops at 40 entries.
 */
export const SEARCH_PAGE_SIZE = 100;
/** The bulk changelog endpoint takes at most 1,000 issues and 10 field ids per request. */
export const CHANGELOG_BATCH = 250;
const PAGE_SIZE = 50;

export class JiraApi {
  readonly #http: JiraHttp;

  constructor(http: JiraHttp) {
    this.#http = http;
  }

  get host(): string {
    return this.#http.host;
  }

  fields() {
    return this.#http.request({
      method: 'GET',
      path: '/rest/api/3/field',
      schema: FieldListSchema,
      what: 'listing fields',
    });
  }

  statuses() {
    return this.#http.request({
      method: 'GET',
      path: '/rest/api/3/status',
      schema: StatusListSchema,
      what: 'listing statuses',
    });
  }

  /** One page of a JQL search; pass the previous page's `nextPageToken` (absent on the last page). */
  search(jql: string, fields: string[], nextPageToken?: string) {
    return this.#http.request({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      body: { jql, fields, maxResults: SEARCH_PAGE_SIZE, ...(nextPageToken ? { nextPageToken } : {}) },
      schema: SearchPageSchema,
      what: `searching "${jql}"`,
    });
  }

  /** One page of the changelogs of up to 1,000 issues, only the given fields' changes. */
  changelogs(issueIds: string[], fieldIds: string[], nextPageToken?: string) {
    return this.#http.request({
      method: 'POST',
      path: '/rest/api/3/changelog/bulkfetch',
      body: {
        issueIdsOrKeys: issueIds,
        fieldIds,
        maxResults: 1000,
        ...(nextPageToken ? { nextPageToken } : {}),
      },
      schema: ChangelogPageSchema,
      what: `reading the changelogs of ${issueIds.length} issues`,
    });
  }

  project(key: string) {
    return this.#http.request({
      method: 'GET',
      path: `/rest/api/3/project/${encodeURIComponent(key)}`,
      schema: ProjectSchema,
      what: `reading project ${key}`,
    });
  }

  board(boardId: number) {
    return this.#http.request({
      method: 'GET',
      path: `/rest/agile/1.0/board/${boardId}`,
      schema: BoardSchema,
      what: `reading board ${boardId}`,
    });
  }

  boardConfiguration(boardId: number) {
    return this.#http.request({
      method: 'GET',
      path: `/rest/agile/1.0/board/${boardId}/configuration`,
      schema: BoardConfigurationSchema,
      what: `reading board ${boardId}'s columns`,
    });
  }

  /** Every sprint of a board (future, active and closed), page by page. */
  async sprints(boardId: number): Promise<z.infer<typeof SprintPageSchema>['values']> {
    return this.#pages((startAt) =>
      this.#http.request({
        method: 'GET',
        path: `/rest/agile/1.0/board/${boardId}/sprint`,
        query: { startAt, maxResults: PAGE_SIZE },
        schema: SprintPageSchema,
        what: `reading board ${boardId}'s sprints`,
      }),
    );
  }

  /** Boards, optionally of one project (for "which board?" answers). */
  async boards(projectKey?: string): Promise<z.infer<typeof BoardSchema>[]> {
    return this.#pages((startAt) =>
      this.#http.request({
        method: 'GET',
        path: '/rest/agile/1.0/board',
        query: { startAt, maxResults: PAGE_SIZE, ...(projectKey ? { projectKeyOrId: projectKey } : {}) },
        schema: BoardPageSchema,
        what: projectKey ? `listing the boards of ${projectKey}` : 'listing boards',
      }),
    );
  }

  /** Agile pages: `startAt` + `isLast`; a page shorter than asked also ends it (some servers omit isLast). */
  async #pages<T>(page: (startAt: number) => Promise<{ values: T[]; isLast?: boolean | undefined }>) {
    const all: T[] = [];
    for (let startAt = 0; ; ) {
      const result = await page(startAt);
      all.push(...result.values);
      startAt += result.values.length;
      if (result.isLast === true || result.values.length < PAGE_SIZE) return all;
    }
  }
}
