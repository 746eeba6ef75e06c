import { describe, expect, it } from 'vitest';
import { referenceOf } from '../../adapters/slack/team.ts';

describe('where a Slack reply goes', () => {
  const base = { platform: 'slack' as const, tenantId: 'T0123ABCDEF', channel: 'C0123ABCDEF' };

  it('answers in the thread a Slack ts names', () => {
    expect(referenceOf({ ...base, thread: '1712345678.000100' })).toEqual({ threadTs: '1712345678.000100' });
  });

  it('posts at the top level when the thread is the channel (scheduled runs)', () => {
    expect(referenceOf({ ...base, thread: base.channel })).toEqual({});
    expect(referenceOf({ ...base, thread: base.channel, ref: {} })).toEqual({});
  });
});
