/**
 * `npm run bench:jira`: Jira analytics at 10,000 issues (override with ISSUES=…, CLOSED_SPRINTS=…), against
 * a fake Jira on 127.0.0.1 in its own process (a seeded team history: sprints, re-estimates, carry-over,
 * reopened work, sub-tasks), into PostgreSQL (DB=pglite for the embedded database):
 *   - full sync: time, requests, 429s, and this process's peak RSS;
 *   - incremental sync after 100 issues changed in Jira;
 *   - loading the snapshot from the database;
 *   - each report's compute time from the snapshot (replaying histories + the numbers; target < 500 ms),
 *     the chart's render time, and the whole report (numbers + chart + reply);
 * medians of RUNS=5. Runs on a fresh database and drops it at the end.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.ts';
import { openDatabase } from '../src/db/database.ts';
import { cycleTimeNumbers } from '../src/integrations/jira/analytics/cycle-time.ts';
import { forecastNumbers } from '../src/integrations/jira/analytics/forecast.ts';
import { historyOf } from '../src/integrations/jira/analytics/history.ts';
import { sprintNumbers } from '../src/integrations/jira/analytics/sprint.ts';
import { velocityNumbers } from '../src/integrations/jira/analytics/velocity.ts';
import { blockersNumbers, workloadNumbers } from '../src/integrations/jira/analytics/work-in-progress.ts';
import { workflowOf } from '../src/integrations/jira/analytics/workflow.ts';
import {
  burndownChart,
  cycleTimeChart,
  forecastChart,
  velocityChart,
  workloadChart,
} from '../src/integrations/jira/charts/report-charts.ts';
import { cycleTimeReport, forecastReport } from '../src/integrations/jira/reports/flow-reports.ts';
import { chooseSprint, sprintReport } from '../src/integrations/jira/reports/sprint-report.ts';
import { velocityReport } from '../src/integrations/jira/reports/velocity-report.ts';
import { blockersReport, workloadReport } from '../src/integrations/jira/reports/wip-reports.ts';
import { JiraService } from '../src/integrations/jira/service.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { createTestDatabase } from '../test/support/services.ts';
import { ms } from './pipeline/stats.ts';

const RUNS = Number(process.env.RUNS ?? 5);
const TENANT = 'bench';
const peakRss = () => process.resourceUsage().maxRSS / 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
/** Wall time, and this process's CPU time (what the work costs when other processes share the cores). */
function timed<T>(work: () => T): { value: T; ms: number; cpu: number } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(cpu);
  return { value, ms: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}
function repeated<T>(work: () => T): { value: T; ms: number; cpu: number } {
  let value: T | undefined;
  const times: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const result = timed(work);
    value = result.value;
    times.push(result.ms);
    cpus.push(result.cpu);
  }
  return { value: value as T, ms: median(times), cpu: median(cpus) };
}
const both = (result: { ms: number; cpu: number }) => `${ms(result.ms)} (cpu ${ms(result.cpu)})`;

/** Times one report three ways: its numbers, its chart from those numbers, and the whole report. */
function entry<T>(
  name: string,
  compute: () => T,
  chart: ((numbers: T) => Buffer) | null,
  report: () => unknown,
) {
  return () => {
    const numbers = repeated(compute);
    const drawn = chart ? repeated(() => chart(numbers.value)) : null;
    const whole = repeated(report);
    return `${name.padEnd(11)} ${both(numbers).padEnd(30)} ${(drawn ? both(drawn) : '(none)').padEnd(30)} ${both(whole).padEnd(30)} ${drawn ? `${(drawn.value.length / 1024).toFixed(1)} KB` : ''}`;
  };
}

console.log(
  `jira benchmark: load average at start ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')} on ${process.env.DB ?? 'postgresql'}`,
);
const fake = spawn(
  process.execPath,
  [fileURLToPath(new URL('./jira/fake-jira-process.ts', import.meta.url))],
  {
    env: process.env,
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const announced = await new Promise<{ url: string; issues: number; histories: number; generatedMs: number }>(
  (resolve, reject) => {
    let buffer = '';
    fake.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      if (buffer.includes('\n')) resolve(JSON.parse(buffer.split('\n')[0] ?? '{}'));
    });
    fake.once('exit', (code) => reject(new Error(`the fake Jira exited with ${code}`)));
  },
);
console.log(
  `fake Jira: ${announced.issues.toLocaleString('en-US')} issues, ${announced.histories.toLocaleString('en-US')} changelog entries, generated in ${ms(announced.generatedMs)}`,
);

const server = process.env.DB === 'pglite' ? null : await createTestDatabase();
const database = await openDatabase(
  server ? { kind: 'postgresql', url: server.url, poolMax: 8 } : { kind: 'pglite', dataDir: 'memory://' },
);
try {
  await database.migrate();
  const config = loadConfig(
    {
      CHATOPS_DATA_DIR: 'memory://',
      JIRA_HOST: announced.url,
      JIRA_EMAIL: 'bench@example.com',
      JIRA_API_TOKEN: 'bench-token-0000',
    },
    'cli',
  );
  if (!config.jira) throw new Error('no Jira configuration');
  const service = new JiraService({ database, config: config.jira, log: silentLogger });
  const rssBefore = peakRss();

  let started = performance.now();
  const cpuBefore = process.cpuUsage();
  const full = await service.sync(TENANT, { board: 1 });
  const fullMs = performance.now() - started;
  const fullCpu = process.cpuUsage(cpuBefore);
  const requests = { ...service.http.counters };
  console.log(
    `full sync: ${full.issues.toLocaleString('en-US')} issues in ${ms(fullMs)} (${(full.issues / (fullMs / 1000)).toFixed(0)} issues/s; cpu of this process ${ms((fullCpu.user + fullCpu.system) / 1000)}), ${requests.requests} requests, ${requests.rateLimited} rate-limited; peak RSS ${peakRss().toFixed(0)} MB (${rssBefore.toFixed(0)} MB before the sync)`,
  );

  await fetch(`${announced.url}/__fake/touch`, { method: 'POST', body: JSON.stringify({ count: 100 }) });
  started = performance.now();
  const incremental = await service.sync(TENANT, { board: 1 });
  console.log(
    `incremental sync: ${incremental.issues} changed issues in ${ms(performance.now() - started)} (${service.http.counters.requests - requests.requests} requests)`,
  );

  const load = await (async () => {
    const times: number[] = [];
    const cpus: number[] = [];
    let snapshot = await service.snapshot(TENANT, { board: 1 });
    for (let run = 0; run < RUNS; run += 1) {
      const begin = performance.now();
      const cpu = process.cpuUsage();
      snapshot = await service.snapshot(TENANT, { board: 1 });
      const used = process.cpuUsage(cpu);
      times.push(performance.now() - begin);
      cpus.push((used.user + used.system) / 1000);
    }
    return { snapshot, ms: median(times), cpu: median(cpus) };
  })();
  const { snapshot } = load;
  console.log(
    `snapshot load: ${snapshot.issues.length.toLocaleString('en-US')} issues with their histories, ${snapshot.sprints.length} sprints in ${both(load)}`,
  );

  const workflow = workflowOf(snapshot.board, snapshot.statuses, {}, 'UTC');
  const boardSprints = snapshot.sprints.filter((sprint) => sprint.originBoardId === 1);
  const active = chooseSprint(boardSprints, undefined, 'board').sprint;
  const histories = () => snapshot.issues.map(historyOf);
  const now = new Date();
  const at = now.getTime();
  const recent = () => cycleTimeNumbers(histories(), workflow, { now: at, days: 90 });
  const entries = [
    entry(
      'sprint',
      () => sprintNumbers(active, histories(), workflow, { now: at, allSprints: boardSprints }),
      (numbers) => burndownChart(numbers, 'UTC'),
      () => sprintReport(snapshot, { now, workflow }),
    ),
    entry(
      'velocity',
      () =>
        velocityNumbers(boardSprints, histories(), workflow, { now: at, count: 6, commitments: new Map() }),
      velocityChart,
      () => velocityReport(snapshot, { now, workflow, sprints: 6 }),
    ),
    entry('cycle-time', recent, cycleTimeChart, () => cycleTimeReport(snapshot, { now, workflow, days: 90 })),
    entry(
      'blockers',
      () => {
        const all = histories();
        const cycles = cycleTimeNumbers(all, workflow, { now: at, days: 90 }).items.map(
          (item) => item.cycleDays,
        );
        return blockersNumbers(all, workflow, { now: at, recentCycleDays: cycles, reviewDays: 3 });
      },
      null,
      () => blockersReport(snapshot, { now, workflow, reviewDays: 3 }),
    ),
    entry(
      'workload',
      () => workloadNumbers(histories(), workflow, at),
      workloadChart,
      () => workloadReport(snapshot, { now, workflow }),
    ),
    entry(
      'forecast',
      () => forecastNumbers(recent().items, { now: at, timeZone: 'UTC', items: 50, windowDays: 90 }),
      forecastChart,
      () => forecastReport(snapshot, { now, workflow, items: 50, days: 90 }),
    ),
  ];
  console.log(
    `\n${'report'.padEnd(11)} ${'compute (target < 500 ms)'.padEnd(30)} ${'chart'.padEnd(30)} ${'whole report'.padEnd(30)} PNG`,
  );
  for (const line of entries) console.log(line());
  console.log(
    `\npeak RSS of this process: ${peakRss().toFixed(0)} MB; load average at the end ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await database.close();
  await server?.drop();
  fake.stdin.end();
}
