import type { ChartConfiguration, Plugin } from 'chart.js';
import { dayOf, shortLabel } from '../analytics/calendar.ts';
import type { CycleTimeNumbers } from '../analytics/cycle-time.ts';
import type { ForecastNumbers } from '../analytics/forecast.ts';
import type { SprintNumbers } from '../analytics/sprint.ts';
import type { VelocityNumbers } from '../analytics/velocity.ts';
import type { WorkloadNumbers } from '../analytics/work-in-progress.ts';
import { COLOURS, renderChart } from './render.ts';

/** One chart per report, drawn from the report's numbers only (the chart never computes anything new). */
const title = (text: string) => ({ display: true, text, font: { size: 15, weight: 'bold' as const } });
const round = (value: number) => Math.round(value * 10) / 10;

export function burndownChart(numbers: SprintNumbers, timeZone: string): Buffer {
  const start = numbers.burndown[0]?.day ?? 0;
  const endDay = numbers.sprint.end
    ? dayOf(numbers.sprint.end, timeZone)
    : (numbers.burndown.at(-1)?.day ?? start);
  const days = Array.from({ length: Math.max(1, endDay - start + 1) }, (_, index) => start + index);
  const byDay = new Map(numbers.burndown.map((point) => [point.day, point]));
  const committed = numbers.committed.points;
  const span = Math.max(1, days.length - 1);
  return renderChart({
    type: 'line',
    data: {
      labels: days.map(shortLabel),
      datasets: [
        {
          label: 'Remaining points',
          data: days.map((day) => (byDay.has(day) ? round(byDay.get(day)?.remaining ?? 0) : null)),
          borderColor: COLOURS.primary,
          backgroundColor: COLOURS.primary,
          borderWidth: 3,
          stepped: true,
          pointRadius: 0,
        },
        {
          label: 'Scope',
          data: days.map((day) => (byDay.has(day) ? round(byDay.get(day)?.scope ?? 0) : null)),
          borderColor: COLOURS.accent,
          backgroundColor: COLOURS.accent,
          borderWidth: 2,
          stepped: true,
          pointRadius: 0,
        },
        {
          label: 'Guideline',
          data: days.map((_, index) => round(committed * (1 - index / span))),
          borderColor: COLOURS.muted,
          backgroundColor: COLOURS.muted,
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: { title: title(`${numbers.sprint.name}: burndown (story points)`) },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'points' } } },
    },
  });
}

export function velocityChart(numbers: VelocityNumbers): Buffer {
  return renderChart({
    type: 'bar',
    data: {
      labels: numbers.sprints.map((sprint) => sprint.name),
      datasets: [
        {
          label: 'Committed',
          data: numbers.sprints.map((sprint) => round(sprint.committedPoints)),
          backgroundColor: COLOURS.secondary,
        },
        {
          label: 'Completed',
          data: numbers.sprints.map((sprint) => round(sprint.completedPoints)),
          backgroundColor: COLOURS.primary,
        },
      ],
    },
    options: {
      plugins: {
        title: title(
          `Velocity: ${numbers.averageCompleted === null ? 'no closed sprints' : `${round(numbers.averageCompleted)} points per sprint`}`,
        ),
      },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'points' } } },
    },
  });
}

export function cycleTimeChart(numbers: CycleTimeNumbers): Buffer {
  const lines = (['p50', 'p85', 'p95'] as const).flatMap((name) =>
    numbers.cycle[name] === null ? [] : [{ name, value: numbers.cycle[name] as number }],
  );
  const from = numbers.items[0]?.finishDay ?? 0;
  const to = numbers.items.at(-1)?.finishDay ?? from + 1;
  // Hundreds of anti-aliased circles would make a PNG too big to show inline in Teams: the points are
  // drawn as opaque squares on whole pixels instead (one colour, no edge shades).
  const squares: Plugin = {
    id: 'crisp-points',
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const x = scales.x;
      const y = scales.y;
      if (!x || !y) return;
      ctx.save();
      ctx.fillStyle = COLOURS.primary;
      for (const item of numbers.items) {
        ctx.fillRect(
          Math.round(x.getPixelForValue(item.finishDay)) - 2,
          Math.round(y.getPixelForValue(item.cycleDays)) - 2,
          5,
          5,
        );
      }
      ctx.restore();
    },
  };
  return renderChart({
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Finished items',
          data: numbers.items.map((item) => ({ x: item.finishDay, y: item.cycleDays })),
          backgroundColor: COLOURS.primary,
          pointRadius: 0,
        },
        ...lines.map((line, position) => ({
          type: 'line' as const,
          label: `${line.name}: ${line.value} days`,
          data: [
            { x: from, y: line.value },
            { x: to, y: line.value },
          ],
          borderColor: [COLOURS.good, COLOURS.warning, COLOURS.accent][position],
          backgroundColor: [COLOURS.good, COLOURS.warning, COLOURS.accent][position],
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
        })),
      ],
    },
    options: {
      plugins: { title: title(`Cycle time, last ${numbers.window.days} days (calendar days)`) },
      scales: {
        x: { type: 'linear', ticks: { callback: (value) => shortLabel(Number(value)), maxTicksLimit: 8 } },
        y: { beginAtZero: true, title: { display: true, text: 'days' } },
      },
    },
    plugins: [squares],
  } as ChartConfiguration);
}

export function workloadChart(numbers: WorkloadNumbers): Buffer {
  const rows = numbers.assignees.slice(0, 15);
  return renderChart(
    {
      type: 'bar',
      data: {
        labels: rows.map((row) => row.assignee),
        datasets: [
          {
            label: 'Items in progress',
            data: rows.map((row) => row.items),
            backgroundColor: COLOURS.primary,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: { title: title('Work in progress per assignee'), legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    },
    { width: 720, height: Math.max(220, 60 + rows.length * 28) },
  );
}

export function forecastChart(numbers: ForecastNumbers): Buffer {
  const marks: Plugin = {
    id: 'forecast-marks',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x;
      if (!x) return;
      for (const [row, [label, date, colour]] of (
        [
          ['50%', numbers.p50.date, COLOURS.good],
          ['85%', numbers.p85.date, COLOURS.warning],
        ] as const
      ).entries()) {
        const index = numbers.distribution.findIndex((entry) => entry.date === date);
        if (index < 0) continue;
        const position = x.getPixelForValue(index);
        ctx.save();
        ctx.strokeStyle = colour;
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(position, chartArea.top);
        ctx.lineTo(position, chartArea.bottom);
        ctx.stroke();
        ctx.fillStyle = colour;
        ctx.fillText(`${label} by ${date}`, position + 4, chartArea.top + 14 + row * 16);
        ctx.restore();
      }
    },
  };
  return renderChart({
    type: 'bar',
    data: {
      labels: numbers.distribution.map((entry) => entry.date),
      datasets: [
        {
          label: 'Trials finishing that day',
          data: numbers.distribution.map((e) => e.trials),
          backgroundColor: COLOURS.secondary,
        },
      ],
    },
    options: {
      plugins: {
        title: title(`When ${numbers.items} more items are done (${numbers.trials} trials)`),
        legend: { display: false },
      },
      scales: {
        x: {
          ticks: {
            maxRotation: 0,
            autoSkip: true,
            maxTicksLimit: 9,
            callback: (value) =>
              shortLabel(Date.parse(numbers.distribution[Number(value)]?.date ?? '') / 86_400_000),
          },
        },
        y: { beginAtZero: true, title: { display: true, text: 'trials' } },
      },
    },
    plugins: [marks],
  });
}
