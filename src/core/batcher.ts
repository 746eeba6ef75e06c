/**
 * Natural batching for the hot statements: calls that arrive while a batch is being written wait and go
 * together in the next one. Under load one round trip (one statement, one commit, one socket write) then
 * carries many tasks; when idle, a call is flushed on the next turn of the event loop and waits for nothing.
 *
 * Why: on the message path the cost per task was dominated by per-statement work, not per-row work (socket
 * writes and commits: the pipeline benchmark profiled 30–40% of the gateway's and worker's time in
 * `writev`). Batching changes the count of statements, never their meaning: `run` must give each input the
 * answer it would have had alone, in input order.
 *
 * A batch of one goes to `one` when given: the batched form of a statement is slower for a single input
 * (PostgreSQL plans array parameters afresh on every execution; an ioredis pipeline copies every script
 * defined on the connection), and a lone input is what an idle bot and the Slack ack path see.
 */
export interface BatcherOptions<Input, Output> {
  /** Writes a lone input (a batch of one, and each input again after a failed batch). */
  one?: (input: Input) => Promise<Output>;
  /** Most inputs in one batch (bounds the statement's size). */
  maxBatch?: number;
  /**
   * Inputs with the same key never share a batch (a batch must not, say, start the same task twice):
   * a second one waits for the next batch.
   */
  key?: (input: Input) => string;
}

interface Pending<Input, Output> {
  input: Input;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
}

export class Batcher<Input, Output> {
  readonly #run: (inputs: Input[]) => Promise<Output[]>;
  readonly #one: (input: Input) => Promise<Output>;
  readonly #maxBatch: number;
  readonly #key: ((input: Input) => string) | undefined;
  #queue: Pending<Input, Output>[] = [];
  // One batch is written at a time: commits stay in order and the pool stays free for other queries.
  #writing = false;
  #scheduled = false;
  /** Batches written so far and the inputs they held (for tests and metrics). */
  batches = 0;
  inputs = 0;

  constructor(run: (inputs: Input[]) => Promise<Output[]>, options: BatcherOptions<Input, Output> = {}) {
    this.#run = run;
    this.#one =
      options.one ??
      (async (input) => {
        const [output] = await run([input]);
        return output as Output;
      });
    this.#maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.#key = options.key;
  }

  submit(input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  // setImmediate, not a microtask: requests read in the same poll phase of the event loop join one batch.
  #schedule(): void {
    if (this.#scheduled || this.#writing || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#writing || this.#queue.length === 0) return;
    const batch = this.#take();
    this.#writing = true;
    this.batches += 1;
    this.inputs += batch.length;
    void this.#write(batch).finally(() => {
      this.#writing = false;
      this.#schedule();
    });
  }

  #take(): Pending<Input, Output>[] {
    if (!this.#key) return this.#queue.splice(0, this.#maxBatch);
    const batch: Pending<Input, Output>[] = [];
    const rest: Pending<Input, Output>[] = [];
    const keys = new Set<string>();
    for (const pending of this.#queue) {
      const key = this.#key(pending.input);
      if (batch.length >= this.#maxBatch || keys.has(key)) {
        rest.push(pending);
        continue;
      }
      keys.add(key);
      batch.push(pending);
    }
    this.#queue = rest;
    return batch;
  }

  async #write(batch: Pending<Input, Output>[]): Promise<void> {
    const [only] = batch;
    if (batch.length === 1 && only) return this.#writeAlone(only);
    let outputs: Output[];
    try {
      outputs = await this.#run(batch.map((pending) => pending.input));
    } catch {
      // One bad input must not fail the others: each is written on its own, and only its own error shows.
      // (A failed statement changed nothing, so writing its inputs again is safe.)
      await Promise.all(batch.map((pending) => this.#writeAlone(pending)));
      return;
    }
    if (outputs.length !== batch.length) {
      const error = new Error(`a batch of ${batch.length} answered ${outputs.length} results`);
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const [index, pending] of batch.entries()) pending.resolve(outputs[index] as Output);
  }

  async #writeAlone(pending: Pending<Input, Output>): Promise<void> {
    try {
      pending.resolve(await this.#one(pending.input));
    } catch (error) {
      pending.reject(error);
    }
  }
}
