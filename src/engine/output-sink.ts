/**
 * Batches output lines on their way to the state store: one transaction per
 * flush instead of one per line, so a step that prints 200,000 lines costs a
 * few hundred commits. Lines are also on the target, in the step's journal.
 */
export class OutputSink {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (lines: string[]) => void,
    private readonly intervalMs = 100,
    private readonly maxLines = 2000,
  ) {}

  push(line: string): void {
    this.pending.push(line);
    if (this.pending.length >= this.maxLines) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const lines = this.pending;
    this.pending = [];
    this.write(lines);
  }
}
