import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { failureDraft } from '../../src/export/issues.js';
import { reachSummary } from '../../src/screens/intents/issues.js';
import { KEY } from '../helpers/ink.js';
import { snapshotPerCase } from './harness.js';

/** Deploying v1.0.2 to the demo, rolling back: seconds each, many more when the machine is loaded. */
const RECORD_MS = 300_000;
const OUTCOME = 'rolled back: serving v1.0.0 (v1.0.2 failed at 3.2)';

/**
 * The summary of a rolled-back deployment (issue 13: it read like a partial
 * success). Every case starts from a copy of one recorded deployment: v1.0.2
 * on a fresh demo target, 3.2 failed (/health/database 500), then the
 * Emergency Rollback ran to its end.
 */
describe('TUI: the summary of a rolled-back deployment', () => {
  const harness = snapshotPerCase((h) => h.prepare({ version: 'v1.0.2', rollBack: true }));

  it(
    'says what serves and why in the header and the summary, with R.7 health check as the evidence',
    async () => {
      const h = harness();
      for (const size of [
        { columns: 100, rows: 30 },
        { columns: 80, rows: 24 },
      ]) {
        const ui = await h.openAt(h.recorded, 'summary', size);
        const frame = await ui.screen.waitFor('Verification Checklist');
        expect(frame).toContain(`↺ R${OUTCOME.slice(1)} · `);
        expect(frame).toContain(`[${OUTCOME}]`);
        expect(frame).toContain('Verification Checklist — ROLLED BACK');
        expect(frame).not.toMatch(/PARTIAL|VERIFIED|v1\.0\.2 deployed|succeeded in/);
        expect(frame).toMatch(
          /\[x\] Health endpoint responding.* R\.7: \/health answered HTTP 200$/m,
        );
        expect(frame).toMatch(
          /\[x\] Database health endpoint.* R\.7: \/health\/database answered HTTP 200$/m,
        );
        // Nothing typed yet: the summary lists the failure on record.
        expect(frame).toContain('Issues encountered: 3.2 attempt 1 failed: ');
        await h.close(ui);
      }
    },
    RECORD_MS,
  );

  it(
    'q leaves with exit 0 and the same words',
    async () => {
      const h = harness();
      const ui = await h.openAt(h.recorded, 'summary');
      await ui.screen.waitFor('Verification Checklist');
      await ui.screen.press('q');
      expect(h.exits).toEqual([
        expect.objectContaining({ code: 0, message: `Deployment ${h.recorded}: ${OUTCOME}` }),
      ]);
      await h.close(ui);
    },
    RECORD_MS,
  );

  it(
    '"Issues encountered" starts as the failure on record: taken as it is it adds nothing, edited it is the operator\'s',
    async () => {
      const h = harness();
      const ui = await h.openAt(h.recorded, 'summary');
      await ui.screen.waitFor('Verification Checklist');
      await act(async () => reachSummary(ui.core));
      let frame = await ui.screen.waitFor('Issues encountered: (Enter to save; empty to skip)');
      expect(frame).toContain('(Enter to save; empty to skip) · Ctrl-U clears the draft');
      const draft = failureDraft(h.store.attempts(h.recorded));
      expect(draft).toMatch(
        /^3\.2 attempt 1 failed: http:\/\/127\.0\.0\.1:\d+\/health\/database did not answer 200: expected 200, got 500$/,
      );
      // One row: the end of the draft shows, where the typing goes.
      expect(frame).toMatch(/^….*\/health\/database did not answer 200: expected 200, got 500 ?$/m);
      await ui.screen.press(KEY.enter);
      await ui.screen.waitFor('Resolution: (Enter to save; empty to skip)');
      await ui.screen.press(KEY.enter);
      await ui.screen.waitFor((f) => !f.includes('(Enter to save'));
      // Taken unchanged: the failure is on record already, as cvd-tui saw it.
      expect(h.store.issues(h.recorded)).toEqual([]);

      await act(async () => reachSummary(ui.core));
      await ui.screen.waitFor('Issues encountered: (Enter to save; empty to skip)');
      // The operator cuts "got 500" and says what it meant.
      await ui.screen.press(...Array<string>(7).fill(KEY.backspace));
      await ui.screen.type('500: v1.0.2 migration dropped a table');
      await ui.screen.press(KEY.enter);
      await ui.screen.waitFor('Resolution: (Enter to save; empty to skip)');
      await ui.screen.press(KEY.enter);
      frame = await ui.screen.waitFor((f) => !f.includes('(Enter to save'));
      const edited = `${draft.slice(0, -'got 500'.length)}500: v1.0.2 migration dropped a table`;
      expect(h.store.issues(h.recorded).map((i) => [i.by, i.text])).toEqual([['alice', edited]]);
      // The summary now shows the operator's words (one row: their start).
      expect(frame).toContain(`Issues encountered: ${edited}`.slice(0, 80));
      await h.close(ui);
    },
    RECORD_MS,
  );
});
