import type { Reply } from './reply.ts';

/**
 * The Jira analytics port (`ctx.jira`): what the Jira skill may ask of the analytics engine, already bound to
 * the task's tenant and channel (whose default board, project and definitions apply). The engine lives in
 * src/integrations/jira: it keeps a snapshot of the Jira site in the database, syncs it when it is older
 * than a minute or two, and computes every number in code. Skills never see Jira's API or the database.
 */
export const JIRA_REPORTS = ['sprint', 'velocity', 'cycle-time', 'blockers', 'workload', 'forecast'] as const;
export type JiraReportName = (typeof JIRA_REPORTS)[number];

export interface JiraReportRequest {
  report: JiraReportName;
  /** A board id; unset: the channel's default board (sprint and velocity reports). */
  board?: number;
  /** A project key; unset: the channel's default project, else the board's project. */
  project?: string;
  /** A sprint by id, number in its name ("42") or name; unset: the active sprint. */
  sprint?: string;
  /** Closed sprints the velocity report covers. */
  sprints?: number;
  /** Days of finished work the cycle-time report covers. */
  days?: number;
  /** Items the forecast is for. */
  items?: number;
}

/** One number a report computed, as the model may cite it: the only numbers prose may contain. */
export interface JiraFact {
  label: string;
  value: number | string;
}

export interface JiraReportResult {
  report: JiraReportName;
  /** The report as people see it: numbers, definitions, a chart (a PNG `file` block). */
  reply: Reply;
  /** The same numbers as structured JSON (what `chatops jira … --json` prints). */
  numbers: Record<string, unknown>;
  /** The headline numbers, labelled, for prose written around them. */
  facts: JiraFact[];
  /** Plain sentences: which statuses count as started and done, calendar days, what is excluded. */
  definitions: string[];
}

/** A channel's defaults; unset fields fall back to the installation's (JIRA_DEFAULT_*), then to Jira's. */
export interface JiraChannelSettings {
  board?: number;
  project?: string;
  /** Status names that count as started (overrides the board's columns / the "In Progress" category). */
  started?: string[];
  /** Status names that count as done (overrides the board's last column / the "Done" category). */
  done?: string[];
  /** IANA time zone whose calendar days the reports count in. */
  timezone?: string;
}

export interface JiraSyncSummary {
  /** `board:12` or `project:OPS`. */
  scope: string;
  full: boolean;
  issues: number;
  durationMs: number;
  /** False when another worker was already syncing it (this call waited for that sync). */
  ran: boolean;
}

export interface JiraPort {
  report(request: JiraReportRequest): Promise<JiraReportResult>;
  /** The channel's stored defaults merged over the installation's. */
  settings(): Promise<JiraChannelSettings>;
  /** Stores this channel's defaults (validated against Jira: the board and project must exist). */
  configure(changes: JiraChannelSettings): Promise<JiraChannelSettings>;
  /** Syncs the named board or project now (unset: the channel's), full when asked. */
  sync(options: { board?: number; project?: string; full?: boolean }): Promise<JiraSyncSummary[]>;
  /** Project keys the snapshot knows, so free text ("what's blocking OPS?") can name one. */
  projectKeys(): Promise<string[]>;
}
