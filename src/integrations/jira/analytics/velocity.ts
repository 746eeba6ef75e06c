import type { SnapshotSprint, SprintCommitment } from '../model.ts';
import type { IssueHistory } from './history.ts';
import { type SprintNumbers, sprintNumbers } from './sprint.ts';
import type { Workflow } from './workflow.ts';

/**
 * Velocity as Jira's Velocity Chart defines it: for each of the board's last N closed sprints, the points
 * committed at the start and completed by the end (see sprint.ts). Velocity is the mean of completed points
 * over those sprints; the trend is the least-squares slope of completed points per sprint, called flat
 * while it moves less than 5% of the velocity per sprint.
 */
export interface VelocityNumbers {
  sprints: {
    id: number;
    name: string;
    end: string | null;
    committedPoints: number;
    completedPoints: number;
    committedIssues: number;
    completedIssues: number;
    /** Completed ÷ committed points, when something was committed. */
    sayDo: number | null;
    commitmentSource: 'recorded' | 'reconstructed';
  }[];
  averageCompleted: number | null;
  averageCommitted: number | null;
  trendPerSprint: number | null;
  trend: 'up' | 'down' | 'flat' | 'unknown';
}

export function velocityNumbers(
  boardSprints: readonly SnapshotSprint[],
  histories: readonly IssueHistory[],
  workflow: Workflow,
  options: { now: number; count: number; commitments: ReadonlyMap<number, SprintCommitment> },
): VelocityNumbers {
  const closed = boardSprints
    .filter((sprint) => sprint.state === 'closed' && (sprint.completed ?? sprint.end))
    .sort((left, right) => endOf(left) - endOf(right))
    .slice(-options.count);
  const bySprint = new Map<number, IssueHistory[]>();
  for (const history of histories)
    for (const id of history.everInSprints) {
      const list = bySprint.get(id);
      if (list) list.push(history);
      else bySprint.set(id, [history]);
    }
  const rows = closed.map((sprint) => {
    const numbers: SprintNumbers = sprintNumbers(sprint, bySprint.get(sprint.id) ?? [], workflow, {
      now: options.now,
      recorded: options.commitments.get(sprint.id),
      allSprints: boardSprints,
    });
    return {
      id: sprint.id,
      name: sprint.name,
      end: sprint.completed ?? sprint.end,
      committedPoints: numbers.committed.points,
      completedPoints: numbers.completed.points,
      committedIssues: numbers.committed.issues,
      completedIssues: numbers.completed.issues,
      sayDo: numbers.committed.points > 0 ? numbers.completed.points / numbers.committed.points : null,
      commitmentSource: numbers.committed.source,
    };
  });
  const mean = (values: number[]) =>
    values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null;
  const averageCompleted = mean(rows.map((row) => row.completedPoints));
  const slope = leastSquaresSlope(rows.map((row) => row.completedPoints));
  const trend =
    slope === null || averageCompleted === null
      ? 'unknown'
      : Math.abs(slope) < 0.05 * Math.max(averageCompleted, 1)
        ? 'flat'
        : slope > 0
          ? 'up'
          : 'down';
  return {
    sprints: rows,
    averageCompleted,
    averageCommitted: mean(rows.map((row) => row.committedPoints)),
    trendPerSprint: slope,
    trend,
  };
}

function endOf(sprint: SnapshotSprint): number {
  return Date.parse(sprint.completed ?? sprint.end ?? '');
}

/** Slope of y over 0..n-1; null for fewer than three points (two points make a line, not a trend). */
export function leastSquaresSlope(values: readonly number[]): number | null {
  const n = values.length;
  if (n < 3) return null;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, value) => sum + value, 0) / n;
  let numerator = 0;
  let denominator = 0;
  values.forEach((value, index) => {
    numerator += (index - meanX) * (value - meanY);
    denominator += (index - meanX) ** 2;
  });
  return numerator / denominator;
}
