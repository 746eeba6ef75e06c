import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/core/batcher.ts';

/** A batch writer that records what it was given and answers each input doubled, unless told to fail. */
function doubling(options: { failOn?: number; gate?: Promise<void> } = {}) {
  const batches: number[][] = [];
  const run = async (inputs: number[]) => {
    batches.push([...inputs]);
    await options.gate;
    if (options.failOn !== undefined && inputs.includes(options.failOn))
      throw new Error(`bad input ${options.failOn}`);
    return inputs.map((input) => input * 2);
  };
  return { batches, run };
}

describe('Batcher', () => {
  it('writes calls made together as one batch and answers each its own result, in order', async () => {
    const writer = doubling();
    const batcher = new Batcher(writer.run);
    const results = await Promise.all([1, 2, 3, 4].map((input) => batcher.submit(input)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(writer.batches).toEqual([[1, 2, 3, 4]]);
    expect({ batches: batcher.batches, inputs: batcher.inputs }).toEqual({ batches: 1, inputs: 4 });
  });

  it('writes a lone call without waiting for company', async () => {
    const writer = doubling();
    const batcher = new Batcher(writer.run);
    expect(await batcher.submit(21)).toBe(42);
    expect(await batcher.submit(5)).toBe(10);
    expect(writer.batches).toEqual([[21], [5]]);
  });

  it('gathers the calls made while a batch is being written into the next one', async () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const writer = doubling({ gate });
    const batcher = new Batcher(writer.run);
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((input) => batcher.submit(input));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.batches).toEqual([[1]]);
    open();
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('splits at maxBatch', async () => {
    const writer = doubling();
    const batcher = new Batcher(writer.run, { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((input) => batcher.submit(input)));
    expect(writer.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('never puts two inputs with the same key in one batch', async () => {
    const writer = doubling();
    const batcher = new Batcher(writer.run, { key: (input) => String(input % 10) });
    const results = await Promise.all([1, 11, 2, 21, 3].map((input) => batcher.submit(input)));
    expect(results).toEqual([2, 22, 4, 42, 6]);
    expect(writer.batches).toEqual([[1, 2, 3], [11], [21]]);
  });

  it('when a batch fails, writes its inputs one by one so only the bad one fails', async () => {
    const writer = doubling({ failOn: 3 });
    const batcher = new Batcher(writer.run);
    const settled = await Promise.allSettled([1, 2, 3, 4].map((input) => batcher.submit(input)));
    expect(settled.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected'))).toEqual([
      2,
      4,
      'rejected',
      8,
    ]);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(((settled[2] as PromiseRejectedResult).reason as Error).message).toBe('bad input 3');
    expect(writer.batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('rejects every call of a batch that answered the wrong number of results, without writing it again', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (inputs) => {
      batches.push(inputs);
      return [1];
    });
    const settled = await Promise.allSettled([1, 2].map((input) => batcher.submit(input)));
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(((settled[0] as PromiseRejectedResult).reason as Error).message).toBe(
      'a batch of 2 answered 1 results',
    );
    expect(batches).toEqual([[1, 2]]);
  });

  it('sends a lone input to `one`, a batch to the batched writer, and each input of a failed batch to `one`', async () => {
    const writer = doubling({ failOn: 3 });
    const alone: number[] = [];
    const batcher = new Batcher(writer.run, {
      one: async (input: number) => {
        alone.push(input);
        if (input === 3) throw new Error('bad input 3');
        return input * 2;
      },
    });
    expect(await batcher.submit(7)).toBe(14);
    expect(await Promise.all([1, 2].map((input) => batcher.submit(input)))).toEqual([2, 4]);
    const settled = await Promise.allSettled([3, 4].map((input) => batcher.submit(input)));
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    expect(writer.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(alone).toEqual([7, 3, 4]);
  });
});
