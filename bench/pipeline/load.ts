import { Agent, request } from 'node:http';
import type { Redis } from 'ioredis';
import { sleep } from './stats.ts';

/**
 * The load generator: POST /api/v1/messages over keep-alive connections to 127.0.0.1 only, and a listener
 * on the bot's live-events channel that sees each reply the moment it is stored.
 *
 * Why the live channel and not polling PostgreSQL: the worker already PUBLISHes a `message.created`
 * event right after it has inserted the reply (ReplyChannel#post), in production too, and the gateway
 * already subscribes to it; one more subscriber costs Redis one more socket write per event and costs the
 * processes under test nothing. Polling the database (count of bot messages per task, or max(created_at))
 * would add queries to the very database whose commits are the bottleneck, and its resolution would be
 * the polling interval. The event follows the INSERT's commit by one Redis round trip (~0.1 ms), so
 * "reply seen on the channel" is "reply stored" plus that. Pub/sub is best effort, so after each phase the
 * benchmark checks the database that every task has its reply (see pipeline.ts).
 */

export interface Sent {
  /** performance.now() when the request was handed to the HTTP client. */
  startedAt: number;
  /** performance.now() when the 202 arrived (NaN until then). */
  ackedAt: number;
  /** The scheduled send time (open-loop phase), for a coordinated-omission-free ack latency. */
  scheduledAt: number;
  taskId: string | null;
  /** performance.now() when the reply's event arrived (NaN until then). */
  repliedAt: number;
  status: number;
}

export class ReplyWatcher {
  /** Replies whose event arrived before the 202 did (the worker can beat the HTTP response). */
  readonly #early = new Map<string, number>();
  readonly #waiting = new Map<string, (at: number) => void>();
  events = 0;
  botEvents = 0;

  constructor(subscriber: Redis, channel: string) {
    subscriber.on('message', (from: string, payload: string) => {
      if (from !== channel) return;
      const at = performance.now();
      this.events += 1;
      // User messages (published by the gateway) are half the traffic: skip them without parsing.
      if (!payload.includes('"kind":"bot"')) return;
      let taskId: string | null = null;
      try {
        const event = JSON.parse(payload) as {
          type: string;
          message?: { author?: { kind?: string }; taskId?: string | null };
        };
        if (event.type !== 'message.created' || event.message?.author?.kind !== 'bot') return;
        taskId = event.message.taskId ?? null;
      } catch {
        return;
      }
      if (!taskId) return;
      this.botEvents += 1;
      const waiter = this.#waiting.get(taskId);
      if (waiter) {
        this.#waiting.delete(taskId);
        waiter(at);
      } else {
        this.#early.set(taskId, at);
      }
    });
  }

  /** Calls `onReply` with the arrival time of the task's first bot reply (perhaps at once). */
  expect(taskId: string, onReply: (at: number) => void): void {
    const early = this.#early.get(taskId);
    if (early !== undefined) {
      this.#early.delete(taskId);
      onReply(early);
      return;
    }
    this.#waiting.set(taskId, onReply);
  }

  get pending(): number {
    return this.#waiting.size;
  }

  forget(): void {
    this.#waiting.clear();
    this.#early.clear();
  }
}

export class ApiClient {
  readonly #agent: Agent;
  readonly #port: number;
  readonly #keys: ReadonlyMap<string, string>;
  errors = new Map<string, number>();

  /**
   * `keys`: an API key per sender. Each phase posts with its own key, which is who its tasks are from
   * (`key:<name>`): keys act as themselves, so no request names a user (that would need `act-as` and an
   * audit row each).
   */
  constructor(port: number, keys: ReadonlyMap<string, string>, maxSockets: number) {
    this.#agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.#port = port;
    this.#keys = keys;
  }

  /** POSTs one "/status" message with the key of `sender`; resolves when the answer is complete (never rejects). */
  post(sender: string, sent: Sent): Promise<void> {
    const body = Buffer.from(JSON.stringify({ channel: 'bench', text: '/status' }));
    const headers = {
      authorization: `Bearer ${this.#keys.get(sender) ?? 'no-key'}`,
      'content-type': 'application/json',
    };
    return new Promise((resolve) => {
      sent.startedAt = performance.now();
      const req = request(
        {
          agent: this.#agent,
          host: '127.0.0.1',
          port: this.#port,
          method: 'POST',
          path: '/api/v1/messages',
          headers: { ...headers, 'content-length': String(body.length) },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            sent.ackedAt = performance.now();
            sent.status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (sent.status === 202) {
              try {
                sent.taskId = (JSON.parse(text) as { taskId: string }).taskId;
              } catch {
                this.#error(`bad 202 body: ${text.slice(0, 80)}`);
              }
            } else {
              this.#error(`HTTP ${sent.status}: ${text.slice(0, 160)}`);
            }
            resolve();
          });
          res.on('error', (error) => {
            this.#error(`response: ${error.message}`);
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
      req.on('error', (error) => {
        sent.ackedAt = performance.now();
        this.#error(`request: ${error.message}`);
        resolve();
      });
      req.end(body);
    });
  }

  #error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  close(): void {
    this.#agent.destroy();
  }
}

function newSent(): Sent {
  return {
    startedAt: Number.NaN,
    ackedAt: Number.NaN,
    scheduledAt: Number.NaN,
    taskId: null,
    repliedAt: Number.NaN,
    status: 0,
  };
}

export interface PhaseResult {
  sent: Sent[];
  /** performance.now() at the first send and at the last reply (or the deadline). */
  startedAt: number;
  endedAt: number;
  timedOut: boolean;
}

/**
 * Closed loop on the whole pipeline: at most `window` tasks are in the system (sent, reply not yet seen),
 * a new one is sent as soon as a reply arrives. With a window larger than worker concurrency the worker is
 * never starved, the queue never grows without bound, and latency stays meaningful (Little's law: window =
 * throughput × latency).
 */
export async function closedLoop(
  client: ApiClient,
  watcher: ReplyWatcher,
  options: { tasks: number; window: number; user: string; deadline: number },
): Promise<PhaseResult> {
  const sent: Sent[] = [];
  let inSystem = 0;
  let replied = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const startedAt = performance.now();
  let endedAt = startedAt;
  const pump = () => {
    while (inSystem < options.window && sent.length < options.tasks) {
      const record = newSent();
      sent.push(record);
      inSystem += 1;
      void client.post(options.user, record).then(() => {
        if (record.taskId === null) {
          // Not accepted: it will never be answered.
          inSystem -= 1;
          replied += 1;
          if (replied === options.tasks) finish();
          else pump();
          return;
        }
        watcher.expect(record.taskId, (at) => {
          record.repliedAt = at;
          endedAt = Math.max(endedAt, at);
          inSystem -= 1;
          replied += 1;
          if (replied === options.tasks) finish();
          else pump();
        });
      });
    }
  };
  pump();
  const timedOut = await Promise.race([
    finished.then(() => false),
    sleep(Math.max(0, options.deadline - Date.now())).then(() => true),
  ]);
  if (timedOut) endedAt = performance.now();
  return { sent, startedAt, endedAt, timedOut };
}

/**
 * Open loop at a fixed rate: request i is sent at t0 + i/rate whether or not earlier ones were answered
 * (at most `maxInFlight` outstanding HTTP requests, beyond which the sample is counted as skipped).
 * Ack latency is measured from the scheduled time as well as from the actual send.
 */
export async function openLoop(
  client: ApiClient,
  watcher: ReplyWatcher,
  options: { perSecond: number; seconds: number; user: string; maxInFlight: number; drainMs: number },
): Promise<PhaseResult & { skipped: number }> {
  const total = Math.round(options.perSecond * options.seconds);
  const interval = 1000 / options.perSecond;
  const sent: Sent[] = [];
  const inFlight = new Set<Promise<void>>();
  let skipped = 0;
  const startedAt = performance.now();
  let endedAt = startedAt;
  for (let index = 0; index < total; index += 1) {
    const due = startedAt + index * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight.size >= options.maxInFlight) {
      skipped += 1;
      continue;
    }
    const record = newSent();
    record.scheduledAt = due;
    sent.push(record);
    const done = client.post(options.user, record).then(() => {
      inFlight.delete(done);
      if (record.taskId)
        watcher.expect(record.taskId, (at) => {
          record.repliedAt = at;
          endedAt = Math.max(endedAt, at);
        });
    });
    inFlight.add(done);
  }
  await Promise.all(inFlight);
  const deadline = performance.now() + options.drainMs;
  while (watcher.pending > 0 && performance.now() < deadline) await sleep(10);
  return { sent, startedAt, endedAt, timedOut: watcher.pending > 0, skipped };
}
