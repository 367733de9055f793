import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { execute } from '../../src/engine/execute.js';
import { journalDir, parseStatus, statusCommand } from '../../src/engine/journal.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { StateStore } from '../../src/state/store.js';
import { DEPLOY_STEPS } from '../../src/steps/index.js';
import { LocalTransport } from '../../src/transport/local.js';
import { localRunner } from '../helpers/local-runner.js';

const bash = (script: string) => execFileSync('bash', ['-c', script], { encoding: 'utf8' });
const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-timing-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  vi.useRealTimers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `touch -d @seconds`: a journal file written at a given time of the target's clock. */
const writtenAt = (file: string, text: string, seconds: number) => {
  writeFileSync(file, text);
  execFileSync('touch', ['-d', `@${seconds}`, file]);
};

describe("a step's duration is the time it ran on the target (issue 13: kill -9)", () => {
  const plain = withDefaults({ transport: 'local', useSudo: false });

  it('the journal says how long a finished step ran: from its script to its status', () => {
    const dir = join(scratch(), 'journal', '2.3-1');
    mkdirSync(dir, { recursive: true });
    writtenAt(join(dir, 'script.sh'), 'echo hi', 1_800_000_000);
    writtenAt(join(dir, 'pid'), '1', 1_800_000_000);
    writtenAt(join(dir, 'rc'), '0\n', 1_800_000_042);
    expect(parseStatus(bash(statusCommand(plain, dir)))).toEqual({
      kind: 'finished',
      code: 0,
      ranMs: 42_000,
    });
    // A clock set back between the two (rc older than the script): no time rather than a wrong one.
    writtenAt(join(dir, 'rc'), '3\n', 1_700_000_000);
    expect(parseStatus(bash(statusCommand(plain, dir)))).toEqual({ kind: 'finished', code: 3 });
  });

  it('a step that ended while cvd-tui was dead is timed as it ran, not until the resume found it', async () => {
    const root = scratch();
    const target = withDefaults({
      transport: 'local',
      useSudo: false,
      paths: { deployments: join(root, 'deployments') },
    });
    const store = StateStore.open(join(root, 'state.db'));
    const id = '20261201_030000_d1ed';
    const step = DEPLOY_STEPS.find((s) => s.id === '1.2')!;
    try {
      // Ten minutes ago cvd-tui recorded 1.2 as started, launched it, and was killed (kill -9).
      const tenMinutesAgo = Date.now() - 600_000;
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(tenMinutesAgo);
      const runner = localRunner(store, id, { startedAt: tenMinutesAgo, target });
      const script = step.script(runner.context());
      const attempt = store.beginAttempt(id, '1.2', script, 'alice', 'step started');
      vi.useRealTimers();
      // The step itself ran to its end on the target, in its journal, without cvd-tui.
      const dir = journalDir(target.paths.deployments, id, '1.2', attempt);
      await execute(new LocalTransport(), target, script, {
        journal: dir,
        timeoutMs: 30_000,
        onLine: () => undefined,
      });

      const ends: Extract<EngineEvent, { type: 'step-end' }>[] = [];
      runner.on((e) => void (e.type === 'step-end' && ends.push(e)));
      const [settled] = await runner.settleInterrupted();
      expect(settled).toMatchObject({ stepId: '1.2', status: 'succeeded' });
      const record = store.attempts(id).find((a) => a.stepId === '1.2')!;
      const recorded = record.finishedAt! - record.startedAt;
      // It ran for well under a minute; the resume came ten minutes after it started.
      expect(recorded).toBeLessThan(60_000);
      expect(recorded).toBeGreaterThanOrEqual(0);
      expect(ends).toEqual([expect.objectContaining({ stepId: '1.2', durationMs: recorded })]);
    } finally {
      store.close();
    }
  });
});
