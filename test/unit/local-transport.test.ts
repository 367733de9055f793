import { describe, expect, it } from 'vitest';
import { LocalTransport } from '../../src/transport/local.js';
import { waitFor } from '../helpers/wait.js';

describe('LocalTransport', () => {
  it('streams lines, reports exit codes and feeds stdin', async () => {
    const lines: string[] = [];
    const result = await new LocalTransport().exec('echo one; read x; echo "got $x" >&2; exit 3', {
      stdin: 'two\n',
      onLine: (l) => lines.push(l),
    });
    expect(result.outcome).toEqual({ kind: 'exited', code: 3 });
    expect(lines).toEqual(['one', 'got two']);
  });

  it('a timeout ends the whole command, children included', async () => {
    const pids: number[] = [];
    const result = await new LocalTransport().exec('sleep 30 & echo $!; sleep 30; wait', {
      timeoutMs: 300,
      onLine: (l) => pids.push(Number(l)),
    });
    expect(result.outcome).toEqual({ kind: 'timeout', afterMs: 300 });
    expect(pids).toHaveLength(1);
    const alive = () => {
      try {
        process.kill(pids[0]!, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), 5_000);
  });
});
