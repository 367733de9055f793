import { describe, expect, it } from 'vitest';
import { allSettledOrThrow, eachAtMost, startAtMost } from '../../src/util/pool.js';

/** What `work` had done when `promise` rejected, and the error it rejected with. */
async function atRejection<T>(promise: Promise<void>, seen: () => T) {
  return promise.then(
    () => ({ seen: seen(), error: undefined }),
    (error: unknown) => ({ seen: seen(), error }),
  );
}

describe('allSettledOrThrow', () => {
  it('rejects with the first error only once every other promise has settled', async () => {
    let release!: () => void;
    let slowDone = false;
    const slow = new Promise<void>((r) => (release = r)).then(() => void (slowDone = true));
    let settled = false;
    const outcome = atRejection(
      allSettledOrThrow([Promise.reject(new Error('web2 crashed')), slow]),
      () => slowDone,
    ).finally(() => (settled = true));
    await new Promise(setImmediate); // every pending microtask has run: the rejection is known
    expect(settled).toBe(false);
    release();
    expect(await outcome).toEqual({ seen: true, error: new Error('web2 crashed') });
  });
});

describe('eachAtMost', () => {
  it('runs at most `limit` at once, and the other lanes drain the queue before it rejects', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const outcome = await atRejection(
      eachAtMost([1, 2, 3, 4, 5], 2, async (n) => {
        running++;
        most = Math.max(most, running);
        await Promise.resolve();
        running--;
        if (n === 1) throw new Error('host 1 failed');
        done.push(n);
      }),
      () => [...done].sort(),
    );
    expect(outcome).toEqual({ seen: [2, 3, 4, 5], error: new Error('host 1 failed') });
    expect(most).toBe(2);
  });
});

describe('startAtMost', () => {
  it('leaves no unhandled rejection behind a caller that stopped at an earlier error', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const [first, second] = startAtMost([1, 2], 2, async (n) => {
        throw new Error(`host ${n} failed`);
      });
      await expect(first).rejects.toThrow('host 1 failed');
      // The caller stops here; the second rejection is never awaited.
      await new Promise(setImmediate);
      await new Promise(setImmediate);
      expect(unhandled).toEqual([]);
      await expect(second).rejects.toThrow('host 2 failed');
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
