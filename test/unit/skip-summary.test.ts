import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { printSteps } from '../../src/cli/headless.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { buildExecutionLog } from '../../src/export/build.js';
import { toMarkdown } from '../../src/export/markdown.js';
import { verificationOf } from '../../src/export/verification.js';
import { StateStore } from '../../src/state/store.js';
import { localRunner } from '../helpers/local-runner.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A deployment whose first step the operator skips, through the runner as the TUI and headless do. */
async function skipped(reason: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-skip-'));
  dirs.push(dir);
  const store = StateStore.open(join(dir, 'state.db'));
  const id = '20261201_031500_5c1p';
  const runner = localRunner(store, id);
  const events: EngineEvent[] = [];
  runner.on((e) => void events.push(e));
  let printed = '';
  const stop = printSteps(runner, { write: (s: string) => ((printed += s), true) });
  await runner.skip(reason);
  stop();
  return { store, id, events, printed };
}

describe('a skipped step says "skipped" once (issue 13: "skipped: skipped:")', () => {
  it('in the event the Logs pane and the step line show, the headless line, the record and the export', async () => {
    const reason = 'environment checked by hand';
    const { store, id, events, printed } = await skipped(reason);
    try {
      const end = events.find((e) => e.type === 'step-end');
      // The status says skipped; the summary is the reason (the Logs pane writes "↷ 1.1 skipped: <summary>").
      expect(end).toMatchObject({ stepId: '1.1', status: 'skipped', summary: reason });
      expect(printed).toMatch(
        new RegExp(`^1\\.1 +Environment Verification +skipped +0\\.0s  ${reason}$`, 'm'),
      );
      const [attempt] = store.attempts(id);
      expect(attempt).toMatchObject({ status: 'skipped', summary: reason, reason });
      const log = buildExecutionLog(store, id);
      expect(log.issues.map((i) => i.text)).toEqual([`1.1 skipped: ${reason}`]);
      const markdown = toMarkdown(log);
      expect(markdown).toContain(`| 1.1 | Environment Verification | skipped | 0 |  | ${reason} |`);
      expect(markdown).toContain(`skipped: ${reason}`);
      expect(markdown).not.toMatch(/skipped: skipped/);
      const latest = new Map(store.attempts(id).map((a) => [a.stepId, a]));
      const rows = verificationOf('deploy', {}, latest).items.map((i) => i.evidence);
      expect(rows.join('\n')).not.toMatch(/skipped: skipped/);
    } finally {
      store.close();
    }
  });
});
