import { mulberry32 } from '../../../src/integrations/jira/analytics/forecast.ts';
import { JiraWorld, S, type WorldIssue, type WorldSprint } from './world.ts';

/**
 * A seeded simulation of a Scrum team's Jira history, for the sync tests, the bench and the comparison
 * with an independent implementation. It plays sprint after sprint the way teams use Jira: stories
 * planned before the start (a few without an estimate), some added mid-sprint and some removed, a few
 * re-estimated, work moving To Do → In Progress → In Review → Done on weekdays in working hours with
 * long-tailed durations, a few reopened, some skipping straight to Done, sub-tasks under some stories,
 * flags and "is blocked by" links, and unfinished issues carried into the next sprint (the Sprint field
 * keeps the closed sprint, as Jira's does). Backlog items that were never planned fill up the count.
 */
export interface GenerateOptions {
  seed: number;
  /** Total issues (sub-tasks and backlog items included). */
  issues: number;
  /** Closed sprints before the active one. */
  closedSprints: number;
  /** The world's "now": the active sprint started six days before. */
  now: number;
  project?: string;
  boardId?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FIBONACCI = [1, 2, 3, 5, 8, 13];
const PEOPLE = [
  'Ana Silva',
  'Ben Okafor',
  'Chen Wei',
  'Dana Levi',
  'Eli Novak',
  'Fatima Khan',
  'Goran Ilic',
  'Hana Sato',
];

export function generateWorld(options: GenerateOptions): JiraWorld {
  const random = mulberry32(options.seed);
  const project = options.project ?? 'OPS';
  const boardId = options.boardId ?? 1;
  const world = new JiraWorld();
  world.addBoard({
    id: boardId,
    name: `${project} board`,
    type: 'scrum',
    projectKey: project,
    projectId: '10000',
    filterId: String(10_000 + boardId),
    columns: [
      { name: 'To Do', statuses: [S.todo] },
      { name: 'In Progress', statuses: [S.progress] },
      { name: 'In Review', statuses: [S.review] },
      { name: 'Done', statuses: [S.done] },
    ],
  });
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number) => random() < p;
  // Log-normal durations: most work takes a day or three, some takes weeks.
  const duration = (medianDays: number, sigma: number) => {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return medianDays * DAY * Math.exp(sigma * normal);
  };
  const workTime = (time: number) => {
    let at = time;
    for (let guard = 0; guard < 10; guard += 1) {
      const date = new Date(at);
      const weekday = date.getUTCDay();
      const hour = date.getUTCHours();
      if (weekday === 0 || weekday === 6 || hour < 7 || hour >= 18) {
        const next = new Date(
          Date.UTC(
            date.getUTCFullYear(),
            date.getUTCMonth(),
            date.getUTCDate() + (hour >= 18 || weekday === 0 || weekday === 6 ? 1 : 0),
            8,
          ),
        );
        at = next.getTime() + random() * 3 * HOUR;
      } else return at;
    }
    return at;
  };

  const activeStart = Math.floor((options.now - 6 * DAY) / HOUR) * HOUR;
  const sprints: WorldSprint[] = [];
  for (let index = 0; index <= options.closedSprints + 1; index += 1) {
    const start = activeStart + (index - options.closedSprints) * 14 * DAY;
    const state =
      index < options.closedSprints ? 'closed' : index === options.closedSprints ? 'active' : 'future';
    sprints.push(
      world.addSprint({
        id: 100 + index,
        boardId,
        name: `${project} Sprint ${index + 1}`,
        state,
        start: state === 'future' ? null : start,
        end: state === 'future' ? null : start + 14 * DAY,
        complete: state === 'closed' ? start + 14 * DAY - HOUR : null,
        goal: index % 3 === 0 ? `Ship milestone ${index + 1}` : '',
      }),
    );
  }

  const events: { at: number; order: number; apply: () => void }[] = [];
  let order = 0;
  const at = (time: number, apply: () => void) => {
    if (time <= options.now) events.push({ at: time, order: order++, apply });
  };
  const parentsPerSprint = Math.max(1, Math.floor(options.issues / ((options.closedSprints + 2) * 1.35)));
  let carried: WorldIssue[] = [];
  const create = (
    when: number,
    type: WorldIssue['type'] = pick(['Story', 'Story', 'Story', 'Bug', 'Task']),
  ) =>
    world.create(project, Math.min(when, options.now - HOUR), {
      type,
      points: chance(0.1) ? null : pick(FIBONACCI),
    });

  /** One issue's work in a sprint from `from`: may finish (maybe reopened), stall, or not start. */
  const work = (issue: WorldIssue, sprint: WorldSprint, from: number, finishChance: number) => {
    const end = sprint.end ?? from + 14 * DAY;
    const person = { accountId: `acc-${PEOPLE.indexOf(pick(PEOPLE))}`, displayName: pick(PEOPLE) };
    const started = workTime(from + duration(0.8, 1.0));
    if (started >= end) return false;
    issue.assignee = person;
    if (chance(0.03)) {
      at(started, () => world.transition(issue, S.done, started));
      return true;
    }
    at(started, () => world.transition(issue, S.progress, started));
    let working = started;
    if (chance(0.02)) {
      // Put back in the backlog after starting, then picked up again.
      const shelved = workTime(started + duration(0.5, 0.5));
      working = workTime(shelved + duration(1, 0.6));
      at(shelved, () => world.transition(issue, S.todo, shelved));
      at(working, () => world.transition(issue, S.progress, working));
    }
    if (chance(0.04)) {
      const flaggedAt = workTime(working + duration(0.5, 0.6));
      at(flaggedAt, () => world.flag(issue, true, flaggedAt));
      const cleared = workTime(flaggedAt + duration(1.5, 0.7));
      at(cleared, () => world.flag(issue, false, cleared));
    }
    if (chance(0.02)) {
      const blocker = pick([...world.issues.values()]);
      if (blocker.id !== issue.id) issue.blockedBy.push(blocker.key);
    }
    const review = workTime(working + duration(2.2, 0.9));
    const done = workTime(review + duration(0.7, 0.8));
    if (!chance(finishChance) || done >= end) {
      if (review < end) at(review, () => world.transition(issue, S.review, review));
      return false;
    }
    at(review, () => world.transition(issue, S.review, review));
    if (chance(0.1)) {
      const back = workTime(review + duration(0.4, 0.5));
      at(back, () => world.transition(issue, S.progress, back));
    }
    at(done, () => world.transition(issue, S.done, done));
    if (chance(0.05)) {
      const reopened = workTime(done + duration(1, 0.6));
      const again = workTime(reopened + duration(1.2, 0.7));
      at(reopened, () => world.transition(issue, S.progress, reopened));
      if (again < end) {
        at(again, () => world.transition(issue, S.done, again));
        return true;
      }
      return false;
    }
    return true;
  };

  for (const [index, sprint] of sprints.entries()) {
    const start = sprint.start ?? activeStart + (index - options.closedSprints) * 14 * DAY;
    const planning = start - (2 + random() * 40) * HOUR;
    const planned: WorldIssue[] = [];
    for (let count = 0; count < parentsPerSprint; count += 1) {
      const issue = create(planning - (1 + random() * 20) * DAY);
      planned.push(issue);
      at(planning, () => world.setSprints(issue, [...issue.sprints, sprint.id], planning));
    }
    if (sprint.state === 'future') break;
    const unfinished: WorldIssue[] = [];
    for (const issue of [...carried, ...planned]) {
      if (chance(0.1) && issue.points !== null) {
        const when = workTime(start + random() * 5 * DAY);
        const next = pick(FIBONACCI);
        at(when, () => world.estimate(issue, next, when));
      }
      if (!carried.includes(issue) && chance(0.04)) {
        const when = workTime(start + (1 + random() * 7) * DAY);
        at(when, () =>
          world.setSprints(
            issue,
            issue.sprints.filter((id) => id !== sprint.id),
            when,
          ),
        );
        continue;
      }
      const resumed = carried.includes(issue) && issue.status !== S.todo;
      if (!work(issue, sprint, resumed ? start : start, resumed ? 0.85 : 0.8)) unfinished.push(issue);
      if (issue.type === 'Story' && chance(0.2)) {
        for (let sub = 0; sub < 1 + Math.floor(random() * 3); sub += 1) {
          const child = world.create(project, Math.min(start + HOUR, options.now - HOUR), {
            type: 'Sub-task',
            parent: issue.key,
            points: chance(0.3) ? 1 : null,
          });
          at(start + HOUR, () => world.setSprints(child, [sprint.id], start + HOUR));
          work(child, sprint, start + HOUR, 0.9);
        }
      }
    }
    for (let count = 0; count < Math.round(parentsPerSprint * 0.1); count += 1) {
      const created = workTime(start + random() * 9 * DAY);
      const issue = create(created);
      const joined = created + random() * DAY;
      at(joined, () => world.setSprints(issue, [...issue.sprints, sprint.id], joined));
      if (!work(issue, sprint, joined, 0.7)) unfinished.push(issue);
    }
    const next = sprints[index + 1];
    if (sprint.state === 'closed' && sprint.complete !== null && next) {
      const moved = sprint.complete + 1000;
      for (const issue of unfinished)
        at(moved, () => world.setSprints(issue, [...issue.sprints, next.id], moved));
      carried = unfinished;
    }
  }
  while (world.issues.size < options.issues) {
    const created = options.now - random() * (options.closedSprints + 1) * 14 * DAY;
    const issue = create(created);
    if (chance(0.2)) at(created + HOUR, () => world.comment(issue, created + HOUR));
  }
  events.sort((left, right) => left.at - right.at || left.order - right.order);
  for (const event of events) event.apply();
  return world;
}
