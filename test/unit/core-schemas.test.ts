import { describe, expect, it } from 'vitest';
import {
  approvalButtons,
  canonicalJson,
  defineSkill,
  feedbackButtons,
  markdownReply,
  parseTask,
  REPLY_VERSION,
  ReplySchema,
  SkillCatalog,
  stableHash,
  TASK_VERSION,
  toJobId,
  uuidv7,
} from '../../src/core/index.ts';

const task = {
  v: TASK_VERSION,
  id: '01a20000-0000-7000-8000-000000000001',
  tenantId: 'default',
  platform: 'api',
  kind: 'command',
  user: { id: 'alice' },
  channel: 'general',
  thread: 'm1',
  text: '',
  command: 'status',
  replyTo: { platform: 'api', tenantId: 'default', channel: 'general', thread: 'm1' },
  sourceEventId: 'evt-1',
  receivedAt: '2026-11-23T00:00:00.000Z',
};

describe('Task schema', () => {
  it('accepts a plain JSON task and rejects other versions', () => {
    expect(parseTask(task).command).toBe('status');
    expect(() => parseTask({ ...task, v: 2 })).toThrow(/v/);
  });

  it('names every field at fault', () => {
    const result = (() => {
      try {
        parseTask({ ...task, platform: 'irc', user: { id: '' }, receivedAt: 'yesterday' });
      } catch (error) {
        return (error as { issues: { path: (string | number)[] }[] }).issues.map((issue) =>
          issue.path.join('.'),
        );
      }
      return [];
    })();
    expect(result).toEqual(expect.arrayContaining(['platform', 'user.id', 'receivedAt']));
    expect(result).toHaveLength(3);
  });

  it('survives a round trip through JSON, as it does through Redis', () => {
    expect(parseTask(JSON.parse(JSON.stringify(parseTask(task))))).toEqual(parseTask(task));
  });
});

describe('Reply schema', () => {
  it('fills defaults and keeps every block kind', () => {
    const reply = ReplySchema.parse({
      v: REPLY_VERSION,
      text: 'summary',
      blocks: [
        { type: 'markdown', text: '*hi*' },
        { type: 'fields', fields: [{ label: 'Env', value: 'prod' }] },
        { type: 'table', columns: ['a'], rows: [['1']] },
        { type: 'image', url: 'https://example.com/a.png', alt: 'chart' },
        { type: 'file', name: 'report.csv', mimeType: 'text/csv', contentBase64: 'YSwx' },
        { type: 'buttons', buttons: [{ id: 'x.go', label: 'Go' }] },
        { type: 'progress', step: 'working', percent: 50 },
        { type: 'divider' },
      ],
    });
    expect(reply.visibility).toBe('channel');
    expect(reply.feedback).toBe(false);
    expect(reply.blocks).toHaveLength(8);
    expect(reply.blocks[5]).toEqual({
      type: 'buttons',
      buttons: [{ id: 'x.go', label: 'Go', style: 'default' }],
    });
  });

  it('refuses links that are not http(s), so no javascript: or file: URL reaches a renderer', () => {
    const bad = (url: string) =>
      ReplySchema.safeParse({ v: REPLY_VERSION, text: '', blocks: [{ type: 'image', url, alt: '' }] })
        .success;
    expect(bad('javascript:alert(1)')).toBe(false);
    expect(bad('file:///etc/passwd')).toBe(false);
    expect(bad('https://example.com/x.png')).toBe(true);
  });

  it('offers approval buttons only while pending, and feedback buttons carrying the message id', () => {
    const block = {
      type: 'approval' as const,
      approvalId: 'ap1',
      title: 'Deploy',
      summary: [],
      status: 'pending' as const,
      decisions: [],
    };
    expect(approvalButtons(block).map((button) => [button.id, button.value])).toEqual([
      ['approval.approve', 'ap1'],
      ['approval.reject', 'ap1'],
    ]);
    expect(approvalButtons({ ...block, status: 'approved' })).toEqual([]);
    expect(feedbackButtons('m9').map((button) => button.value)).toEqual(['m9', 'm9']);
  });

  it('builds the common markdown reply', () => {
    expect(markdownReply('hello').blocks).toEqual([{ type: 'markdown', text: 'hello' }]);
  });
});

describe('skills and the catalog', () => {
  const handle = async () => {};

  it('validates a manifest when the skill is defined, not at first use', () => {
    expect(() => defineSkill({ id: 'Bad Id', description: 'x', handle })).toThrow(/lower-case/);
    expect(() =>
      defineSkill({
        id: 'ok',
        description: 'x',
        commands: [{ name: '/slash', description: 'd', usage: 'u' }],
        handle,
      }),
    ).toThrow();
  });

  it('refuses two skills with one id or one command', () => {
    const first = defineSkill({
      id: 'one',
      description: 'x',
      commands: [{ name: 'go', description: 'd', usage: '/go' }],
      handle,
    });
    const second = defineSkill({
      id: 'two',
      description: 'x',
      commands: [{ name: 'go', description: 'd', usage: '/go' }],
      handle,
    });
    expect(() => new SkillCatalog([first, first])).toThrow(/share the id "one"/);
    expect(() => new SkillCatalog([first, second])).toThrow(/declared by both "one" and "two"/);
    expect(new SkillCatalog([first]).byCommand('go')?.skill.id).toBe('one');
  });
});

describe('ids', () => {
  it('makes time-ordered version 7 UUIDs', () => {
    const earlier = uuidv7(1_700_000_000_000);
    const later = uuidv7(1_700_000_000_001);
    expect(earlier).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(earlier < later).toBe(true);
  });

  it('builds BullMQ job ids without ":" and stable for the same parts', () => {
    expect(toJobId('abc', 'def')).toBe('abc.def');
    const teams = toJobId('19:abc@thread.tacv2;messageid=1');
    expect(teams).toMatch(/^h-[0-9a-f]{40}$/);
    expect(teams).toBe(toJobId('19:abc@thread.tacv2;messageid=1'));
    expect(toJobId('12345')).toMatch(/^h-/);
  });

  it('hashes equal values equally whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(stableHash({ x: 1, y: 2 })).toBe(stableHash({ y: 2, x: 1 }));
    expect(stableHash({ x: 1 })).not.toBe(stableHash({ x: '1' }));
  });
});
