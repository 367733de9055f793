import type { TargetConfig } from '../config/types.js';
import { asApp } from '../steps/privilege.js';
import { sh } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';

/** The first line of every poll's answer: `CVD-TAIL <offset after this read>` or `CVD-TAIL missing`. */
const HEADER = /^CVD-TAIL (\d+|missing)$/;

export interface TailOptions {
  /** @default 1000 */
  intervalMs?: number;
  /** Lines shown from the end of the file on the first poll. @default 20 */
  initialLines?: number;
  /** At most this many bytes per poll: a burst beyond it is skipped, since only the tail is shown. @default 65536 */
  maxBytes?: number;
}

/**
 * One poll: the bytes appended since `offset` (-1: the last lines), and the
 * new offset. A file that shrank was rotated or truncated: read it from the
 * start. Polling by offset, rather than one long `tail -F`, needs no
 * long-lived channel, survives a dropped connection, and stops with a timer.
 */
export function tailCommand(
  file: string,
  offset: number,
  o: Required<Omit<TailOptions, 'intervalMs'>>,
): string {
  return [
    sh`f=${file}; off=${offset}; max=${o.maxBytes}`,
    '[ -r "$f" ] || { echo "CVD-TAIL missing"; exit 0; }',
    'size=$(stat -c %s -- "$f") || exit 1',
    'echo "CVD-TAIL $size"',
    `if [ "$off" -lt 0 ]; then tail -n ${o.initialLines} -- "$f"; exit 0; fi`,
    '[ "$size" -lt "$off" ] && off=0',
    '[ $((size - off)) -gt "$max" ] && off=$((size - max))',
    '[ "$size" -gt "$off" ] && tail -c +$((off + 1)) -- "$f" | head -c $((size - off))',
    'exit 0',
  ].join('\n');
}

/** Splits one poll's answer into the new offset and its complete lines, carrying a partial last line. */
export function parseTail(
  output: string,
  carry: string,
): { offset?: number; missing: boolean; lines: string[]; carry: string } {
  const newline = output.indexOf('\n');
  const header = HEADER.exec(newline < 0 ? output : output.slice(0, newline));
  if (!header) return { missing: false, lines: [], carry };
  if (header[1] === 'missing') return { missing: true, lines: [], carry: '' };
  const body = carry + (newline < 0 ? '' : output.slice(newline + 1));
  const parts = body.split('\n');
  const rest = parts.pop() ?? '';
  return {
    offset: Number(header[1]),
    missing: false,
    lines: parts.map((l) => l.replace(/\r$/, '')),
    carry: rest,
  };
}

/**
 * Follows the target's error.log as the app user, who owns the logs (the
 * runbook's `sudo tail` read it as root), reporting new lines in batches.
 * Returns a function that stops following.
 */
export function startLogTail(
  transport: Transport,
  target: TargetConfig,
  onLines: (lines: string[]) => void,
  options: TailOptions = {},
): () => void {
  const file = `${target.paths.logs}/error.log`;
  const o = { initialLines: options.initialLines ?? 20, maxBytes: options.maxBytes ?? 65_536 };
  let offset = -1;
  let carry = '';
  let stopped = false;
  let missingReported = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const result = await transport
      .exec(asApp(target, tailCommand(file, offset, o)), { timeoutMs: 10_000 })
      .catch(() => undefined);
    if (stopped) return;
    if (result?.outcome.kind === 'exited') {
      const read = parseTail(result.output, carry);
      if (read.missing && !missingReported) onLines([`(${file} does not exist yet)`]);
      missingReported = read.missing;
      if (read.offset !== undefined) offset = read.offset;
      carry = read.carry;
      if (read.lines.length) onLines(read.lines);
    }
    timer = setTimeout(() => void tick(), options.intervalMs ?? 1000);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
