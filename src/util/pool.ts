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
 * have ended, and rejects (after they have) with the first error. A lane
 * whose work threw takes no more items; the others drain the queue.
 */
export async function eachAtMost<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const lanes = Array.from({ length: Math.min(queue.length, limit) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await allSettledOrThrow(lanes);
}
