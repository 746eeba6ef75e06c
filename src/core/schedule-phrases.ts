import { ChatOpsError } from './errors.ts';

/**
 * "every monday 9:00", "weekdays at 17:30", "every 2 hours", "daily at 9am", "every morning", "monthly on
 * the 1st", or a cron expression: the `<when>` of a digest as a five-field cron expression and a line that
 * says back what was understood. Pure, so chat, REST and CLI agree. Times are wall-clock times in the
 * schedule's zone; a day without a time means 09:00.
 */
export interface ScheduleWhen {
  cron: string;
  /** What was understood, e.g. "every Monday at 09:00". */
  description: string;
}

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_ABBREVIATIONS: Record<string, number> = {
  sun: 0,
  mon: 1,
  tue: 2,
  tues: 2,
  wed: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  fri: 5,
  sat: 6,
};
const PARTS_OF_DAY: Record<string, number> = {
  morning: 9,
  noon: 12,
  afternoon: 14,
  evening: 18,
  midnight: 0,
};
const FILLERS = new Set(['every', 'each', 'on', 'at', 'the', 'and', ',', 'of', 'in', 'a', 'day', 'days']);
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];

const USAGE =
  'Say when as a cron expression ("0 9 * * 1-5") or a phrase: "every day at 9:00", "weekdays at 17:30", "every monday 9:00", "every 2 hours", "every 15 minutes", "monthly on the 1st at 8:00".';

/** True when the text is a cron expression (5 or 6 fields of cron characters) rather than words. */
export function looksLikeCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return (
    (fields.length === 5 || fields.length === 6) &&
    fields.every((field) => /^[\d*?,/-]+$|^[a-z]{3}(-[a-z]{3})?$/i.test(field)) &&
    fields.some((field) => field.includes('*'))
  );
}

export function parseWhen(input: string): ScheduleWhen {
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!text) fail(input, 'it is empty');
  if (looksLikeCron(text)) return { cron: text, description: `cron "${text}"` };
  return interval(text) ?? calendar(text, input);
}

/** "every 15 minutes", "every hour", "hourly", "every 2 hours". */
function interval(text: string): ScheduleWhen | null {
  if (/^(every hour|hourly|each hour)$/.test(text)) return { cron: '0 * * * *', description: 'every hour' };
  if (/^(every minute|each minute)$/.test(text)) return { cron: '* * * * *', description: 'every minute' };
  if (/^every half( an)? hour$/.test(text)) return { cron: '*/30 * * * *', description: 'every 30 minutes' };
  const match = /^every (\d{1,3}) ?(minutes?|mins?|m|hours?|hrs?|h)$/.exec(text);
  if (!match) return null;
  const count = Number(match[1]);
  if (match[2]?.startsWith('m')) {
    if (!MINUTE_STEPS.includes(count)) {
      fail(text, `every ${count} minutes does not divide the hour evenly (try ${MINUTE_STEPS.join(', ')})`);
    }
    return {
      cron: count === 1 ? '* * * * *' : `*/${count} * * * *`,
      description: count === 1 ? 'every minute' : `every ${count} minutes`,
    };
  }
  if (!HOUR_STEPS.includes(count)) {
    fail(text, `every ${count} hours does not divide the day evenly (try ${HOUR_STEPS.join(', ')})`);
  }
  return {
    cron: count === 1 ? '0 * * * *' : `0 */${count} * * *`,
    description: count === 1 ? 'every hour' : `every ${count} hours (from midnight)`,
  };
}

interface Calendar {
  weekdays: Set<number>;
  dayOfMonth: number | null;
  monthly: boolean;
  hour: number | null;
  minute: number;
}

function calendar(text: string, input: string): ScheduleWhen {
  const found: Calendar = { weekdays: new Set(), dayOfMonth: null, monthly: false, hour: null, minute: 0 };
  let recognised = false;
  const tokens = text
    .replace(/(\d)\s*(am|pm|a\.m\.|p\.m\.)/g, '$1$2')
    .replace(/,/g, ' , ')
    .split(' ')
    .filter(Boolean);
  for (const token of tokens) {
    if (readToken(token, found)) {
      recognised = true;
      continue;
    }
    if (FILLERS.has(token)) continue;
    fail(input, `I do not understand "${token}"`);
  }
  if (!recognised) fail(input, 'it names no day or time');
  const hour = found.hour ?? 9;
  const time = `${String(hour).padStart(2, '0')}:${String(found.minute).padStart(2, '0')}`;
  if (found.monthly || found.dayOfMonth !== null) {
    if (found.weekdays.size > 0) fail(input, 'give either days of the week or a day of the month, not both');
    const day = found.dayOfMonth ?? 1;
    return {
      cron: `${found.minute} ${hour} ${day} * *`,
      description: `monthly on the ${ordinal(day)} at ${time}`,
    };
  }
  if (found.weekdays.size === 0 || found.weekdays.size === 7) {
    return { cron: `${found.minute} ${hour} * * *`, description: `every day at ${time}` };
  }
  const days = [...found.weekdays].sort((left, right) => left - right);
  return {
    cron: `${found.minute} ${hour} * * ${days.join(',')}`,
    description: `${daysLabel(days)} at ${time}`,
  };
}

/** Reads one word into the calendar; false when the word is not a calendar word. */
function readToken(token: string, found: Calendar): boolean {
  const day = dayNumber(token);
  if (day !== null) {
    found.weekdays.add(day);
    return true;
  }
  if (/^(weekdays?|workdays?|business)$/.test(token)) {
    for (const weekday of [1, 2, 3, 4, 5]) found.weekdays.add(weekday);
    return true;
  }
  if (/^weekends?$/.test(token)) {
    found.weekdays.add(0).add(6);
    return true;
  }
  if (/^(daily|everyday|mornings?|evenings?|afternoons?|noon|midnight|tonight)$/.test(token)) {
    const part = PARTS_OF_DAY[token.replace(/s$/, '')] ?? (token === 'tonight' ? 18 : undefined);
    if (part !== undefined && found.hour === null) found.hour = part;
    return true;
  }
  if (/^(week|weekly)$/.test(token)) {
    if (found.weekdays.size === 0) found.weekdays.add(1);
    return true;
  }
  if (/^(month|monthly)$/.test(token)) {
    found.monthly = true;
    return true;
  }
  const ordinalMatch = /^(\d{1,2})(st|nd|rd|th)$/.exec(token);
  if (ordinalMatch) {
    const value = Number(ordinalMatch[1]);
    if (value < 1 || value > 28)
      throw new ChatOpsError('VALIDATION_FAILED', `The ${token} is not in every month.`, {
        remedy:
          'Pick a day from the 1st to the 28th, or write a cron expression (e.g. "0 9 L * *" is not supported; "0 9 28-31 * *" is).',
      });
    found.dayOfMonth = value;
    return true;
  }
  const time = /^(\d{1,2})(?:[:.h](\d{2}))?(am|pm|a\.m\.|p\.m\.)?$/.exec(token);
  if (time) {
    let hour = Number(time[1]);
    const minute = Number(time[2] ?? 0);
    const half = time[3]?.replace(/\./g, '');
    if (half && (hour < 1 || hour > 12)) return false;
    if (half === 'pm' && hour < 12) hour += 12;
    if (half === 'am' && hour === 12) hour = 0;
    if (hour > 23 || minute > 59) return false;
    found.hour = hour;
    found.minute = minute;
    return true;
  }
  return false;
}

function dayNumber(token: string): number | null {
  const word = token.replace(/s$/, '');
  const full = DAY_NAMES.indexOf(word);
  if (full >= 0) return full;
  return DAY_ABBREVIATIONS[word] ?? DAY_ABBREVIATIONS[token] ?? null;
}

function daysLabel(days: number[]): string {
  if (days.join(',') === '1,2,3,4,5') return 'weekdays';
  if (days.join(',') === '0,6') return 'weekends';
  const names = days.map((day) => capitalise(DAY_NAMES[day] ?? ''));
  return `every ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]}`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function ordinal(day: number): string {
  const suffix =
    day % 10 === 1 && day !== 11
      ? 'st'
      : day % 10 === 2 && day !== 12
        ? 'nd'
        : day % 10 === 3 && day !== 13
          ? 'rd'
          : 'th';
  return `${day}${suffix}`;
}

function fail(input: string, why: string): never {
  throw new ChatOpsError('VALIDATION_FAILED', `I could not read "${input.trim()}" as a time: ${why}.`, {
    remedy: USAGE,
  });
}
