/**
 * Batches output lines on their way to the state store: one transaction per
 * flush instead of one per line, so a step that prints 200,000 lines costs a
 * few hundred commits. Lines are also on the target, in the step's journal.
 *
 * Writes happen off the line-reading path, at most `maxLines` per
 * transaction with a turn of the event loop between transactions: written
 * from inside `push`, a flood held the loop for a whole read chunk (several
 * transactions, ~0.1 s) and keys waited (bench/flood.ts: p95 ~0.5 s). 500
 * lines keep each turn ~10 ms; 2000 let a key wait ~150 ms at a flood's start,
 * for 15 % less time writing in all.
 */
export class OutputSink {
  /**
   * Whole batches waiting, each `maxLines` lines joined with '\n' (kept apart
   * when one holds a '\n'): in a flood the store falls behind by 100,000 lines
   * and more, which held one string each survived into V8's old space
   * (measured: the bulk of a flood's peak RSS); joined, a line dies young.
   */
  private batches: (string | string[])[] = [];
  private batch: string[] = [];
  private batchHasNewline = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  /** A write that failed on the timer (the state file lost): the next awaited drain throws it. */
  private failed: unknown;

  constructor(
    private readonly write: (lines: string[]) => void,
    private readonly intervalMs = 100,
    private readonly maxLines = 500,
  ) {}

  push(line: string): void {
    this.batch.push(line);
    if (line.includes('\n')) this.batchHasNewline = true;
    if (this.batch.length >= this.maxLines) this.seal();
    this.timer ??= setTimeout(
      () => void this.drain().catch((error: unknown) => (this.failed ??= error)),
      this.intervalMs,
    );
  }

  /** Writes everything pushed so far; resolves once it is in the store. */
  drain(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing ??= this.writeAll().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private seal(): void {
    if (!this.batch.length) return;
    this.batches.push(this.batchHasNewline ? this.batch : this.batch.join('\n'));
    this.batch = [];
    this.batchHasNewline = false;
  }

  private async writeAll(): Promise<void> {
    this.seal();
    for (let next = this.batches.shift(); next !== undefined; next = this.batches.shift()) {
      this.write(typeof next === 'string' ? next.split('\n') : next);
      if (!this.batches.length) this.seal(); // lines pushed while we waited
      if (this.batches.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
