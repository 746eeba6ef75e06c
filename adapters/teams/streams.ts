import { isProgressOnly, progressLine, type Reply, revealInvisible } from '../../src/core/index.ts';

export { isProgressOnly };

/**
 * Teams' streaming protocol for 1:1 chats: while a task works, its progress shows as Teams' own status
 * line (`typing` activities marked `streaminfo` / `informative`, numbered by `streamSequence`), and the
 * answer ends the stream as the final message with the same id. The reply channel's progress-then-answer
 * maps onto it: the first progress starts a stream, later progress continues it, the answer closes it.
 * A stream's platform id is `stream:<id>`, so a later update knows what it is replacing.
 */
export const STREAM_PREFIX = 'stream:';

export function streamIdOf(platformMessageId: string): string | null {
  return platformMessageId.startsWith(STREAM_PREFIX) ? platformMessageId.slice(STREAM_PREFIX.length) : null;
}

/** The status line of a progress reply (Teams shows informative updates as one short line). */
export function statusLine(reply: Reply): string {
  const text = revealInvisible(progressLine(reply));
  return text.length > 500 ? `…${text.slice(-500)}` : text;
}

export function informativeActivity(text: string, sequence: number, streamId: string | null) {
  return {
    type: 'typing' as const,
    text,
    ...(streamId ? { id: streamId } : {}),
    channelData: { streamType: 'informative', streamSequence: sequence, ...(streamId ? { streamId } : {}) },
    entities: [
      {
        type: 'streaminfo',
        streamType: 'informative',
        streamSequence: sequence,
        ...(streamId ? { streamId } : {}),
      },
    ],
  };
}

/** The message that ends a stream: it carries no sequence number (Teams requires that). */
export function finalActivity<T extends { type: 'message' }>(message: T, streamId: string) {
  return {
    ...message,
    id: streamId,
    channelData: { streamId, streamType: 'final' },
    entities: [{ type: 'streaminfo', streamId, streamType: 'final' }],
  };
}

/**
 * The next sequence number of each open stream. In memory: one task's progress and answer run in one
 * worker; a stream this process does not know (a re-run elsewhere) is closed with a plain update instead.
 */
export class OpenStreams {
  readonly #sequences = new Map<string, number>();

  open(streamId: string): void {
    this.#sequences.set(streamId, 1);
    if (this.#sequences.size > 10_000) this.#sequences.delete(this.#sequences.keys().next().value ?? '');
  }

  next(streamId: string): number | null {
    const current = this.#sequences.get(streamId);
    if (current === undefined) return null;
    this.#sequences.set(streamId, current + 1);
    return current + 1;
  }

  isOpen(streamId: string): boolean {
    return this.#sequences.has(streamId);
  }

  close(streamId: string): void {
    this.#sequences.delete(streamId);
  }
}
