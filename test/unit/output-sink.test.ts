import { describe, expect, it } from 'vitest';
import { OutputSink } from '../../src/engine/output-sink.js';

describe('OutputSink', () => {
  it('writes every line once, in order, in batches of at most maxLines, a line holding a newline kept whole', async () => {
    const writes: string[][] = [];
    const sink = new OutputSink((lines) => writes.push(lines), 10, 3);
    const lines = ['1', '', 'two\nlines', '4', '5', '', '', '8', 'nine'];
    for (const line of lines) sink.push(line);
    await sink.drain();
    expect(writes.flat()).toEqual(lines);
    expect(writes.map((w) => w.length)).toEqual([3, 3, 3]);
    sink.push('after');
    await sink.drain();
    expect(writes.at(-1)).toEqual(['after']);
  });

  it('writes on its own timer, then a drain finds nothing left', async () => {
    const writes: string[][] = [];
    const sink = new OutputSink((lines) => writes.push(lines), 1, 500);
    sink.push('a');
    sink.push('b');
    await expect.poll(() => writes.flat()).toEqual(['a', 'b']);
    await sink.drain();
    expect(writes).toHaveLength(1);
  });

  it('a failed write fails the drain', async () => {
    const sink = new OutputSink(() => {
      throw new Error('state file lost');
    }, 1);
    sink.push('a');
    await expect
      .poll(async () =>
        sink.drain().then(
          () => 'ok',
          (e: Error) => e.message,
        ),
      )
      .toBe('state file lost');
  });
});
