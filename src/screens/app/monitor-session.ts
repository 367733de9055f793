import type { TargetConfig } from '../../config/types.js';
import type { Breach } from '../../monitor/evaluate.js';
import {
  recordMonitorResult,
  recordMonitorStart,
  recordMonitorStopped,
  type MonitorRecord,
} from '../../monitor/record.js';
import type { MonitorSample } from '../../monitor/sample.js';
import { emptyTally, summarize } from '../../monitor/tally.js';
import { MONITOR_DEFAULTS, watch, type WatchResult } from '../../monitor/watch.js';
import type { Transport } from '../../transport/types.js';
import { RingBuffer } from '../stores/ring.js';
import { ValueStore } from '../stores/value-store.js';

/** One sample as the Monitor screen lists it. */
export interface MonitorRow {
  sample: MonitorSample;
  /** The limits it breaks; empty when within them. */
  breaches: Breach[];
}

/** What the Monitor screen shows; replaced (never mutated) on every change. */
export interface MonitorView {
  status: 'watching' | WatchResult['status'];
  /** The newest samples, oldest first. */
  rows: readonly MonitorRow[];
  /** The limits broken by the sample that ended the window. */
  breaches: readonly Breach[];
  /** Why the window stopped early. */
  reason?: string;
  /** The tally's one-line summary, once the window has ended. */
  summary?: string;
  startedAt: number;
  endsAt: number;
  intervalSeconds: number;
}

/** The window's length and sampling interval (the runbook's 2 h and 15 s by default). */
export interface MonitorWindow {
  /** @default 15 */
  intervalSeconds?: number;
  /** @default 120 */
  durationMinutes?: number;
}

export interface MonitorSessionOptions extends MonitorRecord, MonitorWindow {
  transport: Transport;
  target: TargetConfig;
  /** Called once when the window ends by itself (passed, breached, or the target stopped answering). */
  onEnd?: (view: MonitorView) => void;
}

/**
 * Rows kept for the screen: more than a terminal shows. A 2 h window at 15 s
 * is 480 samples; the tally, not this list, holds the whole window's totals.
 */
const ROWS_KEPT = 200;

/**
 * One post-deployment monitoring window run from the TUI: `watch` over the
 * TUI's own transport, each sample published to the screen, and the outcome
 * recorded exactly as `cvd-tui monitor` records it (monitor/record.ts).
 * Samples come every few seconds at most, so each one is published as is.
 */
export class MonitorSession {
  readonly view: ValueStore<MonitorView>;
  private readonly rows = new RingBuffer<MonitorRow>(ROWS_KEPT);
  private readonly abort = new AbortController();
  private readonly tally = emptyTally(Date.now());
  private readonly window: Required<MonitorWindow>;
  private ended = false;

  constructor(private readonly o: MonitorSessionOptions) {
    this.window = {
      intervalSeconds: o.intervalSeconds ?? MONITOR_DEFAULTS.intervalSeconds,
      durationMinutes: o.durationMinutes ?? MONITOR_DEFAULTS.durationMinutes,
    };
    this.view = new ValueStore<MonitorView>({
      status: 'watching',
      rows: [],
      breaches: [],
      startedAt: this.tally.startedAt,
      endsAt: this.tally.startedAt + this.window.durationMinutes * 60_000,
      intervalSeconds: this.window.intervalSeconds,
    });
  }

  get running(): boolean {
    return !this.ended;
  }

  start(): void {
    recordMonitorStart(this.o, {
      minutes: this.window.durationMinutes,
      intervalSeconds: this.window.intervalSeconds,
    });
    watch({
      transport: this.o.transport,
      target: this.o.target,
      ...this.window,
      signal: this.abort.signal,
      tally: this.tally,
      onSample: (sample, breaches) => {
        this.rows.push({ sample, breaches });
        this.publish({ rows: this.rows.toArray() });
      },
    }).then(
      (result) => this.finish(result),
      // watch itself does not throw on a lost target; anything else still ends the window, recorded.
      (error: Error) =>
        this.finish({ status: 'stopped', breaches: [], reason: error.message, tally: this.tally }),
    );
  }

  /**
   * Ends the window early (the operator left the screen, quit, or rolls
   * back), recorded as `stopped` at once: the store may close right after.
   */
  stop(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    recordMonitorStopped(this.o, this.tally, reason);
    this.abort.abort();
    this.publish({ status: 'stopped', reason, summary: summarize(this.tally) });
  }

  private finish(result: WatchResult): void {
    if (this.ended) return;
    this.ended = true;
    recordMonitorResult(this.o, result);
    this.publish({
      status: result.status,
      breaches: result.breaches,
      reason: result.reason,
      summary: summarize(result.tally),
    });
    this.o.onEnd?.(this.view.getSnapshot());
  }

  private publish(change: Partial<MonitorView>): void {
    this.view.set({ ...this.view.getSnapshot(), ...change });
  }
}
