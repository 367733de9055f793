/**
 * How long to wait before asking a failing endpoint again: the normal
 * interval at first, then twice as long after each failure in a row, up to
 * `maxMs` (3 s → 6 → 12 → 24 → 30 s). The demo app logs every failed
 * /health/database to error.log: polled every 3 s, that buried the step
 * output (issue 13). Success brings the normal interval back.
 */
export function backoffDelay(baseMs: number, maxMs: number, failures: number): number {
  if (failures <= 1) return baseMs;
  return Math.min(maxMs, baseMs * 2 ** (failures - 1));
}

/** When each endpoint is next due, and how many times in a row it failed. */
export class BackoffSchedule<Name extends string> {
  private readonly failures = new Map<Name, number>();
  private readonly due = new Map<Name, number>();

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Whether `name` should be asked at `now` (an endpoint never asked is due). */
  isDue(name: Name, now: number): boolean {
    return (this.due.get(name) ?? 0) <= now;
  }

  /** Records an answer at `now`; returns when the endpoint is next due if it is backing off (past the normal interval). */
  record(name: Name, failed: boolean, now: number): number | undefined {
    const failures = failed ? (this.failures.get(name) ?? 0) + 1 : 0;
    this.failures.set(name, failures);
    const delay = backoffDelay(this.baseMs, this.maxMs, failures);
    // Due a little early: the poll that finds it due comes every baseMs, after this one's requests.
    this.due.set(name, now + delay - this.baseMs / 2);
    return delay > this.baseMs ? now + delay : undefined;
  }

  /** Whether any endpoint is backing off. */
  get backingOff(): boolean {
    return [...this.failures.values()].some((f) => f > 1);
  }

  /** Everything due now, failures forgotten (a step changed what the endpoints answer). */
  reset(): void {
    this.failures.clear();
    this.due.clear();
  }
}
