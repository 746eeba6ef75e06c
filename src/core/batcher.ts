/**
 * Natural batching for the hot statements: calls that arrive while a batch is being written wait and go
 * together in the next one. Under load one round trip (one statement, one commit, one socket write) then
 * carries many tasks; when idle, a call is flushed on the next turn of the event loop and waits for nothing.
 *
 * Why: on the message path the cost per task was dominated by per-statement work, not per-row work (socket
 * writes and commits: the pipeline benchmark profiled 30–40% of the gateway's and worker's time in
 * `writev`). Batching changes the count of statements, never their meaning: `run` must give each input the
 * answer it would have had alone, in input order.
 */
export interface BatcherOptions<Input> {
  /** Most inputs in one batch (bounds the statement's size). */
  maxBatch?: number;
  /** Batches written at the same time (one keeps commits ordered and the pool free for other queries). */
  maxInFlight?: number;
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
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  readonly #key: ((input: Input) => string) | undefined;
  #queue: Pending<Input, Output>[] = [];
  #inFlight = 0;
  #scheduled = false;
  /** Batches written so far and the inputs they held (for tests and metrics). */
  batches = 0;
  inputs = 0;

  constructor(run: (inputs: Input[]) => Promise<Output[]>, options: BatcherOptions<Input> = {}) {
    this.#run = run;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 1);
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
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#take();
      this.#inFlight += 1;
      this.batches += 1;
      this.inputs += batch.length;
      void this.#write(batch).finally(() => {
        this.#inFlight -= 1;
        this.#schedule();
      });
    }
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
    let outputs: Output[];
    try {
      outputs = await this.#run(batch.map((pending) => pending.input));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
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
      const [output] = await this.#run([pending.input]);
      pending.resolve(output as Output);
    } catch (error) {
      pending.reject(error);
    }
  }
}
