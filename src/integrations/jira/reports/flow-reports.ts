import type { JiraReportResult } from '../../../core/jira.ts';
import { dayLabel } from '../analytics/calendar.ts';
import { cycleTimeNumbers } from '../analytics/cycle-time.ts';
import { forecastNumbers } from '../analytics/forecast.ts';
import { historyOf } from '../analytics/history.ts';
import type { Workflow } from '../analytics/workflow.ts';
import { cycleTimeChart, forecastChart } from '../charts/report-charts.ts';
import type { Snapshot } from '../model.ts';
import { issueLink, number, plural, reportResult } from './reply-parts.ts';

/** Cycle time and throughput, and the Monte Carlo forecast built on the same finished items. */
const scopeName = (snapshot: Snapshot) => snapshot.project ?? snapshot.board?.name ?? 'this scope';

export function cycleTimeReport(
  snapshot: Snapshot,
  options: { now: Date; workflow: Workflow; days: number },
): JiraReportResult {
  const numbers = cycleTimeNumbers(snapshot.issues.map(historyOf), options.workflow, {
    now: options.now.getTime(),
    days: options.days,
  });
  const name = scopeName(snapshot);
  const weekly = numbers.throughput.map((week) => week.items);
  const perWeek = weekly.length ? weekly.reduce((sum, value) => sum + value, 0) / weekly.length : 0;
  const headline =
    numbers.finished === 0
      ? `**${name}: nothing finished in the last ${options.days} days** (${numbers.window.from} to ${numbers.window.to}).`
      : `**${name}: 85% of items finished within ${numbers.cycle.p85} days** of starting (p50 ${numbers.cycle.p50}, p95 ${numbers.cycle.p95} days; ${plural(numbers.finished, 'item')} finished in the last ${options.days} days, ${number(perWeek)} per week).`;
  return reportResult({
    report: 'cycle-time',
    headline,
    fields: [
      {
        label: 'Cycle time p50 / p85 / p95',
        value: `${number(numbers.cycle.p50)} / ${number(numbers.cycle.p85)} / ${number(numbers.cycle.p95)} days`,
      },
      {
        label: 'Lead time p50 / p85 / p95',
        value: `${number(numbers.lead.p50)} / ${number(numbers.lead.p85)} / ${number(numbers.lead.p95)} days`,
      },
      { label: 'Finished', value: `${numbers.finished} (${numbers.window.from} to ${numbers.window.to})` },
      {
        label: 'Throughput per week',
        value: numbers.throughput.map((week) => week.items).join(', ') || 'none',
      },
    ],
    list: {
      heading: 'Slowest items',
      lines: numbers.slowest.map(
        (item) =>
          `${issueLink(snapshot.browseBase, item.key)} ${item.summary.slice(0, 100)}: ${item.cycleDays} days (lead time ${item.leadDays}), finished ${dayLabel(item.finishDay)}`,
      ),
    },
    chart:
      numbers.finished > 0
        ? {
            name: `cycle-time-${name}.png`,
            png: cycleTimeChart(numbers),
            alt: `Cycle time scatter of ${name}`,
          }
        : undefined,
    definitions: [
      ...options.workflow.definitions,
      'Cycle time: finish day − start day + 1 (work started and finished the same day took 1 day); start is the first time an item entered a started status, finish the last time it became done (reopened items count until then). Lead time counts from creation. Percentiles are nearest-rank: p85 is the smallest number of days that 85% of items took or less.',
      ...(numbers.skippedStarted > 0
        ? [`${plural(numbers.skippedStarted, 'item')} went straight to done and count as 1 day.`]
        : []),
    ],
    facts: [
      { label: 'items finished', value: numbers.finished },
      { label: 'window in days', value: options.days },
      { label: 'cycle time p50 days', value: numbers.cycle.p50 ?? 'n/a' },
      { label: 'cycle time p85 days', value: numbers.cycle.p85 ?? 'n/a' },
      { label: 'cycle time p95 days', value: numbers.cycle.p95 ?? 'n/a' },
      { label: 'lead time p50 days', value: numbers.lead.p50 ?? 'n/a' },
      { label: 'lead time p85 days', value: numbers.lead.p85 ?? 'n/a' },
      { label: 'items per week', value: Math.round(perWeek * 10) / 10 },
      { label: 'reopened items', value: numbers.reopened },
    ],
    numbers: {
      scope: name,
      ...numbers,
      items: numbers.items.map((item) => ({ ...item, finishDay: dayLabel(item.finishDay) })),
      slowest: numbers.slowest.map((item) => ({ ...item, finishDay: dayLabel(item.finishDay) })),
      timezone: options.workflow.timezone,
    },
    snapshot,
    now: options.now,
  });
}

export function forecastReport(
  snapshot: Snapshot,
  options: { now: Date; workflow: Workflow; items: number; days: number },
): JiraReportResult {
  const cycle = cycleTimeNumbers(snapshot.issues.map(historyOf), options.workflow, {
    now: options.now.getTime(),
    days: options.days,
  });
  const numbers = forecastNumbers(cycle.items, {
    now: options.now.getTime(),
    timeZone: options.workflow.timezone,
    items: options.items,
    windowDays: options.days,
  });
  const name = scopeName(snapshot);
  return reportResult({
    report: 'forecast',
    headline: `**${options.items} more items in ${name}: done by ${numbers.p50.date} at 50% likelihood, by ${numbers.p85.date} at 85%** (${numbers.p85.days} days from today).`,
    fields: [
      { label: '50% likely by', value: `${numbers.p50.date} (${numbers.p50.days} days)` },
      { label: '85% likely by', value: `${numbers.p85.date} (${numbers.p85.days} days)` },
      { label: '95% likely by', value: `${numbers.p95.date} (${numbers.p95.days} days)` },
      {
        label: 'From throughput of',
        value: `${numbers.window.finished} items finished ${numbers.window.from} to ${numbers.window.to}`,
      },
    ],
    chart: {
      name: `forecast-${name}.png`,
      png: forecastChart(numbers),
      alt: `Forecast for ${options.items} items`,
    },
    definitions: [
      ...options.workflow.definitions,
      `Monte Carlo: ${numbers.trials} trials, each drawing days at random from the daily counts of items finished in the last ${options.days} days until ${options.items} are done. The dates are when 50%, 85% and 95% of the trials were done; they assume the team keeps working the way it did in that window.`,
    ],
    facts: [
      { label: 'items to finish', value: options.items },
      { label: '50% likely date', value: numbers.p50.date },
      { label: '85% likely date', value: numbers.p85.date },
      { label: 'days to 85% likely', value: numbers.p85.days },
      { label: 'items finished in the window', value: numbers.window.finished },
      { label: 'trials', value: numbers.trials },
    ],
    numbers: { scope: name, ...numbers, timezone: options.workflow.timezone },
    snapshot,
    now: options.now,
  });
}
