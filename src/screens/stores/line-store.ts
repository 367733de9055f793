import { inert, LINE_MAX } from '../../util/text.js';
import { RingBuffer } from './ring.js';

/** One line of the Logs pane. */
export interface LogLine {
  /** Increases by one per line ever pushed: a stable React key, and how far the pane has scrolled. */
  seq: number;
  text: string;
  /**
   * `step`: a step's output; `fact`: a fact it reported (steps/facts.ts: its nonce checked, so
   * never a log line dressed up as one); `log`: the target's error.log; `note`: what cvd-tui says
   * (step started, ended).
   */
  source: 'step' | 'fact' | 'log' | 'note';
  /** Highlighted: an error line. */
  error: boolean;
  /** How many times the line came in a row (shown `… ×12`); later copies replace the text. */
  repeats: number;
}

export interface LinesSnapshot {
  lines: readonly LogLine[];
  /** Lines pushed so far, including those the ring has dropped. */
  total: number;
  /** Pushes so far, a collapsed repeat counted too: how many lines came in. */
  received: number;
}

/** Error lines the Logs pane highlights: app log levels and shell/tool errors, not every mention of the word. */
const ERROR_LINE = /\b(ERROR|FATAL|CRITICAL)\b|\b[Ee]rror:|\bTraceback\b|\bfailed:/;

export const isErrorLine = (text: string): boolean => ERROR_LINE.test(text);

/** A leading timestamp (`2026-01-01T12:00:00.123Z`, `[2026-01-01 12:00:00,123]`): the part of a log line that always changes. */
const TIMESTAMP =
  /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s*/;

/**
 * Two lines are "the same line again" when they differ only in a leading
 * timestamp: the app logs the Health pane's failing poll every few seconds,
 * and thirty copies of it would push the step output out of view.
 */
export const repeatKey = (text: string): string => text.replace(TIMESTAMP, '');

export interface LineStoreOptions {
  /** Lines kept for the pane; the full output is in the state store. @default 2000 */
  capacity?: number;
  /** How often the view is told about new lines. @default 250 */
  flushMs?: number;
}

/**
 * The Logs pane's lines, batched at the source. The engine can emit
 * thousands of lines a second; each push costs O(1) and no render. Listeners
 * hear about new lines at most once per `flushMs`, and memory stays bounded
 * by the ring, whatever the step prints. 250 ms, 4 renders a second at
 * worst: each render measures every visible character (Ink's string width),
 * ~30 % of the CPU in a 200,000-line flood at 75 ms, and a key's frame waited
 * behind them (keypress p95 in the flood 271-329 ms at 75 ms, 214-254 ms at
 * 250, alternated at load 4-9).
 */
export class LineStore {
  private readonly ring: RingBuffer<LogLine>;
  private readonly listeners = new Set<() => void>();
  private readonly flushMs: number;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** Pushes so far, repeats included: a repeat changes the snapshot without adding a line. */
  private changes = 0;
  private published = 0;
  private snapshot: LinesSnapshot = { lines: [], total: 0, received: 0 };
  /** How many times listeners were notified: the render work a flood can cause (tests read it). */
  flushes = 0;

  constructor(options: LineStoreOptions = {}) {
    this.ring = new RingBuffer(options.capacity ?? 2000);
    this.flushMs = options.flushMs ?? 250;
  }

  /** How many lines the pane keeps. */
  get capacity(): number {
    return this.ring.capacity;
  }

  /** `error` overrides the highlighting rule (a failed step's end note). */
  push(text: string, source: LogLine['source'] = 'step', error?: boolean): void {
    // Tabs would misalign the pane's columns; every other control character is shown, inert.
    const clean = inert(text.replace(/\t/g, '  '), { max: LINE_MAX });
    const isError = error ?? (source !== 'note' && isErrorLine(clean));
    const last = this.ring.last();
    if (
      last &&
      last.source === source &&
      last.error === isError &&
      repeatKey(last.text) === repeatKey(clean)
    )
      this.ring.replaceLast({ ...last, text: clean, repeats: last.repeats + 1 });
    else this.ring.push({ seq: ++this.seq, text: clean, source, error: isError, repeats: 1 });
    this.changes++;
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Publishes what was pushed since the last flush (a copy: the snapshot never changes under a render). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.changes === this.published) return;
    this.published = this.changes;
    this.snapshot = { lines: this.ring.toArray(), total: this.seq, received: this.changes };
    this.flushes++;
    for (const listener of this.listeners) listener();
  }

  readonly getSnapshot = (): LinesSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Stops the pending flush timer (the app is closing). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
