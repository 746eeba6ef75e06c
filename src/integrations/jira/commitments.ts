import { workflowOf } from './analytics/workflow.ts';
import type { SnapshotBoard } from './model.ts';
import type { JiraStore } from './store.ts';

/**
 * Jira keeps no record of what a sprint held when it started: the Sprint Report rebuilds it, and so do
 * we, from changelogs. When a sync meets a sprint that started within the last RECORD_WINDOW_MS, the
 * bot records its issues and estimates as they are now, and reports prefer that record. A sprint first
 * seen later is rebuilt from the changelogs at report time (reports say which one they used).
 */
export const RECORD_WINDOW_MS = 30 * 60_000;

export async function recordStartedSprints(
  store: JiraStore,
  tenant: string,
  board: SnapshotBoard,
  now: Date,
): Promise<number> {
  const sprints = (await store.sprintsOfBoard(tenant, board.id)).filter(
    (sprint) =>
      sprint.state === 'active' &&
      sprint.start !== null &&
      now.getTime() - Date.parse(sprint.start) >= 0 &&
      now.getTime() - Date.parse(sprint.start) <= RECORD_WINDOW_MS,
  );
  if (sprints.length === 0) return 0;
  const existing = await store.commitments(
    tenant,
    sprints.map((sprint) => sprint.id),
  );
  const fresh = sprints.filter((sprint) => !existing.has(sprint.id));
  if (fresh.length === 0) return 0;
  const issues = await store.issues(tenant, `board:${board.id}`);
  const workflow = workflowOf(board, await store.statuses(tenant), {}, 'UTC');
  let recorded = 0;
  for (const sprint of fresh) {
    const members = issues.filter(
      (issue) => !issue.subtask && issue.sprintIds.includes(sprint.id) && !workflow.done.has(issue.statusId),
    );
    const saved = await store.recordCommitment(tenant, {
      sprintId: sprint.id,
      source: 'recorded',
      recordedAt: now.toISOString(),
      issues: members.map((issue) => ({ key: issue.key, points: issue.points })),
    });
    if (saved) recorded += 1;
  }
  return recorded;
}
