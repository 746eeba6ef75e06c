import { ChatOpsError } from '../core/errors.ts';

/**
 * A parsed cron expression: five fields (minute hour day-of-month month day-of-week) or six with seconds
 * first. Each field is the sorted set of values it allows. Day-of-month and day-of-week follow Vixie cron:
 * when both are restricted, a day matches if either does (`0 9 1 * 1` is "the 1st, and every Monday").
 */
export interface CronExpression {
  readonly source: string;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is read as Sunday). */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day of month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
};
const DAY_OF_WEEK: FieldSpec = {
  name: 'day of week',
  min: 0,
  max: 7,
  names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
};

const REMEDY =
  'Use five fields (minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5") or six with seconds first; each field is *, a number, a range a-b, a list a,b or a step */n.';

/** Parses an expression, or throws VALIDATION_FAILED naming every field at fault. */
export function parseCron(source: string): CronExpression {
  const fields = source.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `"${source}" has ${fields.length} fields; a cron expression has 5 or 6.`,
      { remedy: REMEDY },
    );
  }
  const [second = '0', minute, hour, dayOfMonth, month, dayOfWeek] =
    fields.length === 6 ? fields : ['0', ...fields];
  const problems: string[] = [];
  const parse = (text: string | undefined, spec: FieldSpec) => {
    try {
      return parseField(text ?? '', spec);
    } catch (error) {
      problems.push((error as Error).message);
      return [] as number[];
    }
  };
  const seconds = parse(second, SECOND);
  const minutes = parse(minute, MINUTE);
  const hours = parse(hour, HOUR);
  const days = parse(dayOfMonth, DAY_OF_MONTH);
  const months = parse(month, MONTH);
  const weekdays = parse(dayOfWeek, DAY_OF_WEEK).map((day) => day % 7);
  if (problems.length > 0) {
    throw new ChatOpsError(
      'VALIDATION_FAILED',
      `"${source}" is not a cron expression: ${problems.join('; ')}.`,
      {
        remedy: REMEDY,
        details: { problems },
      },
    );
  }
  if (!days.some((day) => months.some((month) => day <= (DAYS_IN_MONTH[month - 1] ?? 31)))) {
    throw new ChatOpsError('VALIDATION_FAILED', `"${source}" never fires: no month has that day.`, {
      remedy: 'Pick a day of month that exists in the months you chose (e.g. not 31 in February).',
    });
  }
  return {
    source: fields.join(' '),
    seconds,
    minutes,
    hours,
    daysOfMonth: new Set(days),
    months: new Set(months),
    daysOfWeek: new Set(weekdays),
    dayOfMonthRestricted: !isWildcard(dayOfMonth),
    dayOfWeekRestricted: !isWildcard(dayOfWeek),
  };
}

/** The longest each month can be (February in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when the calendar day matches the expression's day fields (Vixie cron's OR rule). */
export function matchesDay(cron: CronExpression, month: number, day: number, weekday: number): boolean {
  if (!cron.months.has(month)) return false;
  const byDate = cron.daysOfMonth.has(day);
  const byWeekday = cron.daysOfWeek.has(weekday);
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return byDate || byWeekday;
  if (cron.dayOfMonthRestricted) return byDate;
  if (cron.dayOfWeekRestricted) return byWeekday;
  return true;
}

function isWildcard(field: string | undefined): boolean {
  return field === '*' || field === '?';
}

function parseField(text: string, spec: FieldSpec): number[] {
  if (text === '') throw new Error(`the ${spec.name} field is empty`);
  const values = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new Error(`${spec.name} "${part}": the step must be a whole number of 1 or more`);
    }
    let low: number;
    let high: number;
    if (range === '*' || range === '?') {
      low = spec.min;
      high = spec.name === 'day of week' ? 6 : spec.max;
    } else if (range.includes('-')) {
      const [from = '', to = ''] = range.split('-');
      low = fieldValue(from, spec, part);
      high = fieldValue(to, spec, part);
    } else {
      low = fieldValue(range, spec, part);
      // `5/15` means "from 5, every 15" (as in most crons); a plain `5` is just 5.
      high = stepText === undefined ? low : spec.max;
    }
    if (low > high) throw new Error(`${spec.name} "${part}": the range runs backwards`);
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return [...values].sort((left, right) => left - right);
}

function fieldValue(text: string, spec: FieldSpec, part: string): number {
  const named = spec.names?.indexOf(text) ?? -1;
  const value = named >= 0 ? named + spec.min : /^\d{1,2}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new Error(`${spec.name} "${part}" is outside ${spec.min}-${spec.max}`);
  }
  return value;
}
