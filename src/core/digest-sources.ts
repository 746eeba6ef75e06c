import type { ClusterRecord, EnvironmentLock } from './deployments.ts';

/**
 * The data sources of the digest kinds whose engines are optional: the Jira analytics engine (wired only
 * when JIRA_HOST is set) and the provisioning engine. Plain data, computed by the engines in code; the
 * skills that own the kinds (skills/jira, skills/provisioning) only put it into words.
 */

/** One issue as a digest lists it, with its link and its estimate at the end of the period. */
export interface JiraSprintIssue {
  key: string;
  summary: string;
  url: string;
  points: number | null;
  status: string;
  assignee: string;
}

export interface JiraSprintTotals {
  issues: number;
  points: number;
}

/** A board's active sprint as of the end of a digest's period, and what changed in it during the period. */
export interface JiraSprintActivity {
  board: { id: number; name: string };
  /** The active sprint (else the last closed one); null when the board has not started a sprint yet. */
  sprint: {
    id: number;
    name: string;
    state: 'future' | 'active' | 'closed';
    start: string | null;
    end: string | null;
    goal: string;
    /** Whether it started within the period. */
    startedInPeriod: boolean;
    committed: JiraSprintTotals;
    completed: JiraSprintTotals;
    remaining: JiraSprintTotals;
    days: { total: number; elapsed: number; left: number; workingLeft: number };
  } | null;
  /** Issues that joined the sprint after its start, within the period. */
  added: JiraSprintIssue[];
  /** Issues that left the sprint within the period. */
  removed: JiraSprintIssue[];
  /** Issues of the sprint that became done within the period (and are still done at its end). */
  done: JiraSprintIssue[];
  /** Open work of the sprint that is flagged, blocked by another issue, aging or stuck in review now. */
  blocked: (JiraSprintIssue & { reasons: string[] })[];
  /** A sprint of the board that was completed within the period, with its final numbers. */
  ended: { name: string; committed: JiraSprintTotals; completed: JiraSprintTotals } | null;
  /** When the board's data was last synced from Jira. */
  syncedAt: string | null;
}

export interface JiraDigestSource {
  /**
   * The board's sprint over the period: `board` names it, else the digest channel's `/jira config` board,
   * else JIRA_DEFAULT_BOARD. The board's snapshot is synced first when it is older than
   * JIRA_SYNC_MAX_AGE_SECONDS.
   */
  sprint(period: { start: Date; end: Date }, options: { board?: number }): Promise<JiraSprintActivity>;
}

/** One provisioning workflow run (deploy, destroy, expiry) as a digest lists it. */
export interface DeploymentRun {
  id: string;
  /** The workflow, e.g. `provisioning.deploy`. */
  definition: string;
  title: string;
  /** A workflow run status (`running`, `succeeded`, `failed`, `compensated` = rolled back, …). */
  status: string;
  /** The requester's name as the request carried it (else their `platform:user` id). */
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  /** The executor's pipeline run (e.g. GitHub Actions), when the run made a cluster and it is known. */
  url: string | null;
}

/** Provisioning activity: runs started or finished in a period, the clusters and the locks held now. */
export interface DeploymentReport {
  /** Newest first. */
  runs: DeploymentRun[];
  clusters: ClusterRecord[];
  locks: EnvironmentLock[];
}

export interface DeploymentsDigestSource {
  /** The tenant's provisioning runs started or finished after `start`, up to `end`; clusters and locks now. */
  activity(period: { start: Date; end: Date }): Promise<DeploymentReport>;
}
