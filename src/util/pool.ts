/**
 * Waits for every promise to settle, then throws the first rejection: one
 * failing never leaves the others running unwatched (their connections
 * closed under them) while the caller unwinds.
 */
export async function allSettledOrThrow(work: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Runs `work` for every item, at most `limit` at once; resolves when all
 * have ended, and rejects (after they have) with the first error: one item
 * failing never stops the others.
 */
export function eachAtMost<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  return allSettledOrThrow(startAtMost(items, limit, work));
}

/**
 * Starts `work` on every item, at most `limit` at once, and returns one
 * promise per item in the items' order: a caller that awaits them in turn
 * prints each item's result as soon as it and those before it are done.
 * Each promise is marked handled: a caller that stops at an earlier item's
 * error never awaits the later ones, and their rejections must not end the
 * process as unhandled (a caller that awaits one still gets its error).
 */
export function startAtMost<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R>[] {
  let free = Math.max(1, limit);
  const waiting: (() => void)[] = [];
  const slot = (): Promise<void> =>
    free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => waiting.push(resolve));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return items.map((item) => {
    const started = (async () => {
      await slot();
      try {
        return await work(item);
      } finally {
        release();
      }
    })();
    started.catch(() => undefined);
    return started;
  });
}
