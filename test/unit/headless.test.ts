import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent, EngineListener } from '../../src/engine/events.js';
import { printSteps } from '../../src/cli/headless.js';

/** A runner's event side only, and one log of what went to stdout and stderr, in order. */
function harness() {
  let listener: EngineListener = () => undefined;
  const log: string[] = [];
  const stream = (name: string) => ({
    write: (text: string) => {
      log.push(
        ...text
          .trimEnd()
          .split('\n')
          .map((l) => `${name}: ${l}`),
      );
      return true;
    },
  });
  const stop = printSteps(
    { on: (l) => ((listener = l), () => undefined) },
    stream('out'),
    stream('err'),
  );
  return { log, stop, emit: (event: EngineEvent) => listener(event) };
}

const end = (status: 'succeeded' | 'failed', summary: string, stepId = '1.3'): EngineEvent => ({
  type: 'step-end',
  stepId,
  status,
  summary,
  warnings: [],
  durationMs: 25_000,
  outcomeUnknown: false,
});

describe('headless printer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says every 10 s that a long step is still running, and stops when it ends', () => {
    const { log, stop, emit } = harness();
    emit({ type: 'step-start', stepId: '1.1', attempt: 1, command: 'cvdctl status' });
    vi.advanceTimersByTime(9_999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(20_001);
    expect(log).toEqual([
      'out: 1.1  still running (10 s)',
      'out: 1.1  still running (20 s)',
      'out: 1.1  still running (30 s)',
    ]);
    emit(end('succeeded', 'ok', '1.1'));
    vi.advanceTimersByTime(60_000);
    expect(log.filter((l) => l.includes('still running'))).toHaveLength(3);
    stop();
  });

  it('starts the clock at the first line of a step a resume follows', () => {
    const { log, stop, emit } = harness();
    emit({ type: 'line', stepId: '2.3', line: 'applying migration' });
    vi.advanceTimersByTime(10_000);
    expect(log).toEqual(['out: 2.3  still running (10 s)']);
    stop();
    vi.advanceTimersByTime(60_000);
    expect(log).toHaveLength(1);
  });

  it('ends a failed step with its verdict, after its output: never with a success line', () => {
    const { log, stop, emit } = harness();
    emit({ type: 'step-start', stepId: '1.3', attempt: 1, command: 'backup' });
    emit({ type: 'line', stepId: '1.3', line: 'tar: write error: No space left on device' });
    emit({ type: 'line', stepId: '1.3', line: 'Backups completed successfully' });
    emit(end('failed', 'the application tarball was not written'));
    expect(log.at(-1)).toMatch(
      /^out: 1\.3 +Backup Current System +failed .*tarball was not written$/,
    );
    expect(log.slice(0, 2)).toEqual([
      'err:      | tar: write error: No space left on device',
      'err:      | Backups completed successfully',
    ]);
    stop();
  });
});
