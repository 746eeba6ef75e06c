import { describe, expect, it } from 'vitest';
import { readFreeText } from '../../skills/digest/free-text.ts';
import { parseAdd } from '../../skills/digest/parse-add.ts';
import { type DigestKindSpec, parseWhen } from '../../src/core/index.ts';
import { checkDigestOptions } from '../../src/digests/digest-options.ts';

const KINDS: DigestKindSpec[] = ['approvals', 'knowledge', 'usage'].map((kind) => ({
  kind,
  description: kind,
  requires: [],
  options: [],
}));

describe('when a digest runs, in plain words', () => {
  it.each([
    ['every day at 9:00', '0 9 * * *', 'every day at 09:00'],
    ['daily at 9am', '0 9 * * *', 'every day at 09:00'],
    ['every morning', '0 9 * * *', 'every day at 09:00'],
    ['every evening', '0 18 * * *', 'every day at 18:00'],
    ['weekdays at 17:30', '30 17 * * 1,2,3,4,5', 'weekdays at 17:30'],
    ['every weekday at 5:30 pm', '30 17 * * 1,2,3,4,5', 'weekdays at 17:30'],
    ['every monday 9:00', '0 9 * * 1', 'every Monday at 09:00'],
    ['mondays and thursdays at 10', '0 10 * * 1,4', 'every Monday and Thursday at 10:00'],
    ['every fri at noon', '0 12 * * 5', 'every Friday at 12:00'],
    ['weekly', '0 9 * * 1', 'every Monday at 09:00'],
    ['monthly on the 1st at 8:15', '15 8 1 * *', 'monthly on the 1st at 08:15'],
    ['every 2 hours', '0 */2 * * *', 'every 2 hours (from midnight)'],
    ['every hour', '0 * * * *', 'every hour'],
    ['hourly', '0 * * * *', 'every hour'],
    ['every 15 minutes', '*/15 * * * *', 'every 15 minutes'],
    ['0 9 * * 1-5', '0 9 * * 1-5', 'cron "0 9 * * 1-5"'],
    ['*/30 * * * * *', '*/30 * * * * *', 'cron "*/30 * * * * *"'],
  ])('"%s" → %s', (text, cron, description) => {
    expect(parseWhen(text)).toEqual({ cron, description });
  });

  it('refuses what it cannot read, with examples of what it can', () => {
    expect(() => parseWhen('every 7 minutes')).toThrow(/does not divide the hour evenly/);
    expect(() => parseWhen('every 5 hours')).toThrow(/does not divide the day evenly/);
    expect(() => parseWhen('whenever it rains')).toThrow(/I do not understand "whenever"/);
    expect(() => parseWhen('every monday on the 3rd')).toThrow(
      /either days of the week or a day of the month/,
    );
    expect(() => parseWhen('monthly on the 31st')).toThrow(/not in every month/);
    try {
      parseWhen('at teatime');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        remedy: expect.stringContaining('weekdays at 17:30'),
      });
    }
  });
});

describe('/digest add <kind> <when> [in #channel] [options]', () => {
  const web = { platform: 'api' as const, channel: 'general' };
  const slack = { platform: 'slack' as const, channel: 'C0GENERAL01' };

  it('reads the kind, the when, the place and the options', () => {
    expect(
      parseAdd('approvals every day at 9:00 in #ops', { tz: 'Europe/Berlin', quiet: 'line' }, web),
    ).toEqual({
      kind: 'approvals',
      when: 'every day at 9:00',
      place: { platform: 'api', channel: 'ops' },
      timeZone: 'Europe/Berlin',
      options: { quiet: 'line' },
    });
    expect(parseAdd('Usage 0 9 * * 1-5', {}, web)).toEqual({
      kind: 'usage',
      when: '0 9 * * 1-5',
      options: {},
    });
    // "in the morning" is part of the when, not a channel.
    expect(parseAdd('usage every day in the morning', {}, web).when).toBe('every day in the morning');
  });

  it('takes Slack channels by id (an escaped mention or the id itself), never by a bare name', () => {
    expect(parseAdd('usage daily in <#C0OPS000001|ops>', {}, slack).place).toEqual({
      platform: 'slack',
      channel: 'C0OPS000001',
    });
    expect(parseAdd('usage daily in C0OPS000001', {}, slack).place?.channel).toBe('C0OPS000001');
    expect(() => parseAdd('usage daily in #ops', {}, slack)).toThrow(/only the name of #ops/);
    expect(parseAdd('usage daily in here', {}, slack).place).toEqual(slack);
  });

  it('asks for a kind and a time', () => {
    expect(() => parseAdd('approvals', {}, web)).toThrow(/needs a kind and a time/);
  });
});

describe('free text about digests', () => {
  it('finds the kind and the time in a sentence', () => {
    expect(readFreeText('send me a digest of pending approvals every morning', KINDS)).toEqual({
      intent: 'create',
      kind: 'approvals',
      when: 'every morning',
      timeZone: null,
    });
    expect(
      readFreeText('Post the usage and cost digest here every Monday at 8, in Europe/Berlin please', KINDS),
    ).toEqual({
      intent: 'create',
      kind: 'usage',
      when: 'every monday at 8',
      timeZone: 'Europe/Berlin',
    });
    expect(readFreeText('which questions went unanswered? tell me weekly', KINDS)).toMatchObject({
      kind: 'knowledge',
      when: 'weekly',
    });
  });

  it('finds the sprint and deployments digests by their words, the sprint only where it is offered', () => {
    const all = [
      ...KINDS,
      ...['deployments', 'jira-sprint'].map((kind) => ({ ...KINDS[0], kind })),
    ] as DigestKindSpec[];
    expect(readFreeText('post how the sprint is going here every weekday at 9:30', all)).toMatchObject({
      kind: 'jira-sprint',
      when: 'every weekday at 9:30',
    });
    expect(readFreeText('a digest of cluster deploys and locks every evening', all)).toMatchObject({
      kind: 'deployments',
      when: 'every evening',
    });
    expect(readFreeText('post how the sprint is going here every weekday at 9:30', KINDS)).toMatchObject({
      kind: null,
    });
  });

  it('lists on a question about digests, and asks back when it cannot tell', () => {
    expect(readFreeText('which digests are scheduled in this channel?', KINDS)).toEqual({ intent: 'list' });
    expect(readFreeText('please remove everything and list my digests', KINDS)).toEqual({ intent: 'list' });
    expect(readFreeText('hello there', KINDS)).toEqual({ intent: 'help' });
    expect(readFreeText('a digest every day at 9', KINDS)).toMatchObject({ intent: 'create', kind: null });
  });
});

describe('digest options', () => {
  const approvals: DigestKindSpec = {
    kind: 'approvals',
    description: 'x',
    requires: [],
    options: [
      {
        name: 'from',
        description: 'where from.',
        choices: ['all', 'here'],
        default: 'all',
        operatorChoices: [],
      },
    ],
  };
  const knowledge: DigestKindSpec = {
    kind: 'knowledge',
    description: 'x',
    requires: [],
    options: [
      {
        name: 'questions',
        description: 'which.',
        choices: ['here', 'all'],
        default: 'here',
        operatorChoices: ['all'],
      },
    ],
  };

  it('fills in the defaults, and checks names, values and who may pick what', () => {
    expect(checkDigestOptions(approvals, {}, { operator: false })).toEqual({ quiet: 'skip', from: 'all' });
    expect(checkDigestOptions(approvals, { from: 'here', quiet: 'line' }, { operator: false })).toEqual({
      quiet: 'line',
      from: 'here',
    });
    expect(() => checkDigestOptions(approvals, { form: 'here' }, { operator: false })).toThrow(
      /form: approvals digests have no such option \(they take quiet, from\)/,
    );
    expect(() => checkDigestOptions(approvals, { from: 'mars' }, { operator: false })).toThrow(
      /choose one of all, here/,
    );
    expect(() => checkDigestOptions(knowledge, { questions: 'all' }, { operator: false })).toThrow(
      /for operators/,
    );
    expect(checkDigestOptions(knowledge, { questions: 'all' }, { operator: true }).questions).toBe('all');
  });
});
