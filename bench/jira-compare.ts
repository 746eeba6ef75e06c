/**
 * `npm run bench:jira-compare`: our velocity and cycle-time figures against an independent implementation
 * written from the published definitions (bench/jira/independent.ts: Atlassian's Velocity Chart and
 * jira-agile-metrics' cycle time), on the same realistic dataset: a seeded team history (SEED=2026,
 * ISSUES=3000, 12 closed sprints) served by the fake Jira on 127.0.0.1 as Jira's REST JSON. Ours syncs it
 * through the bot's client into the embedded database and runs the reports; the independent script reads
 * the same JSON over HTTP with plain fetch. Every per-sprint and per-item difference is put in a category
 * that explains it; anything left over is printed as unexplained.
 */
import { loadConfig } from '../src/config/load-config.ts';
import { openDatabase } from '../src/db/database.ts';
import { historyOf, type IssueHistory } from '../src/integrations/jira/analytics/history.ts';
import { sprintNumbers } from '../src/integrations/jira/analytics/sprint.ts';
import { workflowOf } from '../src/integrations/jira/analytics/workflow.ts';
import { JiraService } from '../src/integrations/jira/service.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { generateWorld } from '../test/support/fake-jira/generate.ts';
import { startFakeJira } from '../test/support/fake-jira/server.ts';
import { S } from '../test/support/fake-jira/world.ts';
import { independentCycleTimes, independentVelocity, linearQuantile, readJira } from './jira/independent.ts';

const DAY = 86_400_000;
const credentials = { email: 'compare@example.com', token: 'compare-token-0000' };
const world = generateWorld({
  seed: Number(process.env.SEED ?? 2026),
  issues: Number(process.env.ISSUES ?? 3000),
  closedSprints: Number(process.env.CLOSED_SPRINTS ?? 12),
  now: Date.now() - 2 * 3_600_000,
});
const fake = await startFakeJira({ world, credentials });
const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
try {
  await database.migrate();
  const config = loadConfig(
    {
      CHATOPS_DATA_DIR: 'memory://',
      JIRA_HOST: fake.url,
      JIRA_EMAIL: credentials.email,
      JIRA_API_TOKEN: credentials.token,
    },
    'cli',
  );
  if (!config.jira) throw new Error('no Jira configuration');
  const service = new JiraService({ database, config: config.jira, log: silentLogger });
  await service.sync('compare', { board: 1 });
  const settings = { board: 1, timezone: 'UTC' };
  const now = Date.now();
  const ours = {
    velocity: (await service.report('compare', { report: 'velocity', sprints: 50 }, settings)).numbers as {
      sprints: { id: number; name: string; committedPoints: number; completedPoints: number }[];
      averageCompleted: number;
    },
    cycle: (await service.report('compare', { report: 'cycle-time', days: 90 }, settings)).numbers as {
      items: { key: string; cycleDays: number; skippedStarted: boolean }[];
      cycle: { p50: number; p85: number; p95: number };
    },
  };
  const data = await readJira(
    fake.url,
    `Basic ${Buffer.from(`${credentials.email}:${credentials.token}`).toString('base64')}`,
    1,
  );

  console.log(
    `dataset: generated (seeded simulation), ${world.issues.size} issues, ${data.sprints.length} closed sprints\n`,
  );
  console.log('VELOCITY  sprint            committed ours / independent   completed ours / independent');
  const theirs = new Map(independentVelocity(data).map((row) => [row.id, row]));
  let velocityDifferences = 0;
  let unexplainedSprints = 0;
  for (const row of ours.velocity.sprints) {
    const other = theirs.get(row.id);
    const same = other && other.committed === row.committedPoints && other.completed === row.completedPoints;
    if (!same) velocityDifferences += 1;
    console.log(
      `          ${row.name.padEnd(17)} ${String(row.committedPoints).padStart(6)} / ${String(other?.committed).padEnd(20)} ${String(row.completedPoints).padStart(6)} / ${String(other?.completed).padEnd(8)} ${same ? 'same' : 'DIFFERENT'}`,
    );
  }
  // Where a sprint differs, which issues and why (our sprint analysis gives its completed issues).
  const snapshot = await service.snapshot('compare', { board: 1 });
  const workflow = workflowOf(snapshot.board, snapshot.statuses, {}, 'UTC');
  const histories = snapshot.issues.map(historyOf);
  for (const row of ours.velocity.sprints) {
    const other = theirs.get(row.id);
    if (!other || other.completed === row.completedPoints) continue;
    const sprint = snapshot.sprints.find((candidate) => candidate.id === row.id);
    if (!sprint) continue;
    const mine = sprintNumbers(sprint, histories, workflow, { now, allSprints: snapshot.sprints });
    for (const key of other.completedKeys.filter((candidate) => !mine.completed.keys.includes(candidate))) {
      const history = histories.find((candidate) => candidate.issue.key === key);
      const joined = history ? lastJoin(history, row.id, Date.parse(sprint.start ?? '')) : null;
      const doneWhenJoined = history && joined !== null && workflow.done.has(history.status.at(joined));
      console.log(
        `          ${row.name}: ${key} (${history?.points.at(Date.parse(sprint.completed ?? '')) ?? 0} points) counted by the independent script only: ${doneWhenJoined ? 'it was already done when it joined the sprint ("completed outside this sprint" in Jira\'s Sprint Report; Jira\'s velocity leaves it out, the plain definition counts it)' : 'UNEXPLAINED'}`,
      );
      if (!doneWhenJoined) unexplainedSprints += 1;
    }
    for (const key of mine.completed.keys.filter((candidate) => !other.completedKeys.includes(candidate))) {
      console.log(`          ${row.name}: ${key} counted by us only: UNEXPLAINED`);
      unexplainedSprints += 1;
    }
  }
  const independentMean = [...theirs.values()].reduce((sum, row) => sum + row.completed, 0) / theirs.size;
  console.log(
    `          velocity (mean completed): ours ${ours.velocity.averageCompleted.toFixed(2)}, independent ${independentMean.toFixed(2)}; sprints that differ: ${velocityDifferences}, unexplained issues: ${unexplainedSprints}\n`,
  );

  // The same window as ours: items whose finish day (UTC) is within the last 90 days.
  const fromDay = Math.floor(now / DAY) - 89;
  const jam = new Map(independentCycleTimes(data, fromDay * DAY, now).map((row) => [row.key, row]));
  const byKey = new Map(data.issues.map((issue) => [issue.key, issue]));
  const categories = new Map<string, string[]>();
  const note = (category: string, key: string) =>
    categories.set(category, [...(categories.get(category) ?? []), key]);
  for (const item of ours.cycle.items) {
    const other = jam.get(item.key);
    const issue = byKey.get(item.key);
    if (!other) {
      note('only ours: not finished in the window by the other definition', item.key);
      continue;
    }
    if (other.cycleTimeMs === null) {
      note(
        'skipped "started" (To Do → Done): we count 1 day, jira-agile-metrics has no cycle time',
        item.key,
      );
      continue;
    }
    const floored = Math.floor(other.cycleTimeMs / DAY);
    const statuses = issue?.changes.filter((change) => change.fieldId === 'status') ?? [];
    const backToTodo = statuses.some(
      (change, index) =>
        change.to === S.todo && statuses.slice(0, index).some((earlier) => earlier.to === S.progress),
    );
    if (backToTodo)
      note(
        'moved back to To Do after starting: jira-agile-metrics restarts the clock, we keep the first start',
        item.key,
      );
    else if (item.cycleDays === floored + 1)
      note(
        '+1: calendar days counted inclusively (finish day − start day + 1) vs elapsed time floored to days',
        item.key,
      );
    else if (item.cycleDays === floored + 2)
      note("+2: the same, and the elapsed time's last partial day crosses a midnight", item.key);
    else note('UNEXPLAINED', item.key);
  }
  for (const key of jam.keys())
    if (!ours.cycle.items.some((item) => item.key === key)) note('only jira-agile-metrics', key);
  console.log(
    `CYCLE TIME  ${ours.cycle.items.length} items finished in the last 90 days (ours), ${jam.size} (jira-agile-metrics)`,
  );
  for (const [category, keys] of categories)
    console.log(
      `            ${String(keys.length).padStart(5)}  ${category}${keys.length <= 3 ? ` (${keys.join(', ')})` : ''}`,
    );
  const elapsed = [...jam.values()].flatMap((row) =>
    row.cycleTimeMs === null ? [] : [row.cycleTimeMs / DAY],
  );
  const q = (p: number) => linearQuantile(elapsed, p)?.toFixed(2);
  const bridged = [...jam.values()].flatMap((row) =>
    row.cycleTimeMs === null ? [] : [Math.floor(row.cycleTimeMs / DAY) + 1],
  );
  const nearest = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)];
  console.log(`            percentiles p50 / p85 / p95:`);
  console.log(
    `              ours (nearest rank, inclusive calendar days):        ${ours.cycle.cycle.p50} / ${ours.cycle.cycle.p85} / ${ours.cycle.cycle.p95}`,
  );
  console.log(
    `              jira-agile-metrics (linear interpolation, elapsed):   ${q(0.5)} / ${q(0.85)} / ${q(0.95)} days`,
  );
  console.log(
    `              bridge: their items, floor(elapsed) + 1, nearest rank: ${nearest(bridged, 50)} / ${nearest(bridged, 85)} / ${nearest(bridged, 95)}`,
  );
  console.log(`            unexplained items: ${categories.get('UNEXPLAINED')?.length ?? 0}`);
} finally {
  await database.close();
  await fake.close();
}

/** When an issue last entered a sprint (the sprint's start if it was in it then). */
function lastJoin(history: IssueHistory, sprintId: number, start: number): number | null {
  if (history.sprints.at(start).includes(sprintId)) return start;
  let joined: number | null = null;
  history.sprints.times.forEach((time, index) => {
    if (
      index > 0 &&
      (history.sprints.values[index] ?? []).includes(sprintId) &&
      !(history.sprints.values[index - 1] ?? []).includes(sprintId)
    )
      joined = time;
  });
  return joined;
}
