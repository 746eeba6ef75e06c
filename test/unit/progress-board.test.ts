import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent, Sender } from '../../src/core/ports.ts';
import { markdownReply, type Reply } from '../../src/core/reply.ts';
import type { MessageStore, StoredMessage } from '../../src/db/message-store.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ProgressBoard } from '../../src/workflows/progress-board.ts';
import type { RunRow } from '../../src/workflows/run-store.ts';
import { apiTask } from '../fixtures/tasks.ts';

// A run's progress message is updated once per coalescing window however many changes it saw, at once
// when the run ended, and once more only for changes made while an update was being rendered.
const WINDOW_MS = 1000;

function fakes() {
  const updates: string[] = [];
  const stored = { id: 'm1', platformMessageId: 'p1', createdAt: new Date(0).toISOString() } as StoredMessage;
  const messages = {
    updateReply: async (_id: string, reply: Reply) => {
      updates.push(reply.text);
      return stored;
    },
    byDeliveryKey: async () => stored,
    setPlatformMessageId: async () => {},
  } as unknown as MessageStore;
  const sent: string[] = [];
  const sender: Sender = {
    platform: 'api',
    send: async () => ({ platformMessageId: 'p1' }),
    update: async (_address, _id, reply) => {
      sent.push(reply.text);
    },
  } as Sender;
  const live = { publish: async (_event: LiveEvent) => {}, subscribe: () => () => {} };
  const board = new ProgressBoard({
    messages,
    senders: new Map([['api', sender]]),
    live,
    log: silentLogger,
    coalesceMs: WINDOW_MS,
  });
  return { board, updates, sent };
}

const run = { id: 'r1', skill: 'test', progressMessageId: 'm1', origin: apiTask('board') } as RunRow;

describe('ProgressBoard', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows every change asked for within the window with one update, of the latest state', async () => {
    const { board, updates, sent } = fakes();
    let state = 0;
    const render = async () => markdownReply(`state ${state}`);
    for (let change = 1; change <= 5; change += 1) {
      state = change;
      void board.refresh(run, render);
      await vi.advanceTimersByTimeAsync(WINDOW_MS / 10);
    }
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 3);
    await board.flush();
    expect(updates).toEqual(['state 5']);
    expect(sent).toEqual(['state 5']);
  });

  it('shows the end of a run at once, and does not show it twice', async () => {
    const { board, updates } = fakes();
    let state = 'running';
    const render = async () => markdownReply(state);
    void board.refresh(run, render);
    void board.refresh(run, render);
    state = 'succeeded';
    await board.refresh(run, render, true);
    expect(updates).toEqual(['succeeded']);
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 3);
    await board.flush();
    expect(updates).toEqual(['succeeded']);
  });

  it('updates once more for a change made while an update was being rendered', async () => {
    const { board, updates } = fakes();
    let state = 1;
    let rendering: () => void = () => {};
    const render = async () => {
      const shown = `state ${state}`;
      if (state === 1) {
        // A change lands while this render is in flight.
        await new Promise<void>((resolve) => {
          rendering = resolve;
        });
      }
      return markdownReply(shown);
    };
    void board.refresh(run, render);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    state = 2;
    void board.refresh(run, render);
    rendering();
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 3);
    await board.flush();
    expect(updates).toEqual(['state 1', 'state 2']);
  });
});
