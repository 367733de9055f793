import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY } from '../helpers/ink.js';
import type { PreviewLine } from '../../src/engine/change-preview-lines.js';
import { fitRows } from '../../src/screens/components/ChangePreviewPanel.js';
import { harnessPerCase, tickAll } from './harness.js';

const SMALL = { columns: 80, rows: 24 };
/** The question a downgrade across v1.0.1's migration asks before phase 1. */
const DOWNGRADE = 'Downgrade: the database keeps migration_v1.0.1.sql. Deploy v1.0.0?';

/**
 * The change preview above the checklist, at the smallest terminal the TUI
 * supports, and the `y` a downgrade across a migration needs before phase 1.
 */
describe('TUI: change preview', () => {
  const harness = harnessPerCase();

  it('shows the commits, the migration and the downtime above the checklist, within 80×24', async () => {
    const h = harness();
    const ui = await h.open({ command: 'deploy', version: 'v1.0.1' }, SMALL);
    const frame = await ui.screen.waitFor('Change preview: v1.0.0 → v1.0.1 · 1 commit');
    expect(frame).toContain('expected downtime unknown');
    expect(frame).toContain('2.3 migrations: migration_v1.0.1.sql');
    expect(frame).toMatch(/^ {2}\+ [0-9a-f]{7,} Release v1\.0\.1$/m);
    // All of the checklist still shows, and nothing is wider or taller than the terminal.
    expect(frame).toContain('Pre-Deployment Checklist (0/12 ticked)');
    expect(frame).toContain('team.3');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(SMALL.rows - 1);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(SMALL.columns);
    // No downgrade: Enter goes straight on to phase 1.
    await tickAll(ui);
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor('1.1 Environment Verification');
    await h.close(ui);
  });

  it('asks y before phase 1 of a downgrade across a migration, and records the answer', async () => {
    const h = harness();
    // The target runs v1.0.1 (its code; the preview reads git, not the database).
    execFileSync('git', ['-C', join(h.demo.dir, 'app'), 'checkout', '-q', '--detach', 'v1.0.1']);
    const ui = await h.open({ command: 'deploy', version: 'v1.0.0' }, SMALL);
    // At 80×24 the warning shows whole, in place of what is less urgent.
    const frame = await ui.screen.waitFor('Change preview: v1.0.1 → v1.0.0');
    expect(frame.replace(/\s+/g, ' ')).toContain(
      '✗ downgrade: v1.0.0 lacks 1 commit of v1.0.1; the database keeps migration_v1.0.1.sql: confirm to deploy (headless: --allow-downgrade)',
    );
    expect(frame).toContain('Pre-Deployment Checklist (0/12 ticked)');
    await tickAll(ui);
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor(DOWNGRADE);
    await ui.screen.press('n');
    await ui.screen.waitFor('Downgrade not confirmed: phase 1 not started');
    expect(ui.screen.frame()).toContain('Pre-Deployment Checklist (12/12 ticked)');
    await ui.screen.press(KEY.enter);
    await ui.screen.waitFor(DOWNGRADE);
    await ui.screen.press('y');
    await ui.screen.waitFor('1.1 Environment Verification');
    const id = ui.core.runner!.deployment.id;
    const confirmed = h.store.events(id).filter((e) => e.type === 'downgrade-confirmed');
    expect(confirmed.map((e) => [e.actor, e.detail])).toEqual([['alice', 'migration_v1.0.1.sql']]);
    await h.close(ui);
  });
});

describe('change preview panel: what fits', () => {
  const line = (text: string, tone: PreviewLine['tone'] = 'plain'): PreviewLine => ({ text, tone });
  const lines = [
    line('title'),
    line('  2.3 migrations: none'),
    line('  + abc commit', 'muted'),
    line(`✗ downgrade: ${'x'.repeat(100)}`, 'error'),
  ];
  const fit = (rows: number) => fitRows(lines, rows, 80).map((l) => [l.text.slice(0, 8), l.wrap]);

  it('keeps the title and the warnings before anything else, in their order', () => {
    expect(fit(3)).toEqual([
      ['title', false],
      ['✗ downgr', true],
    ]);
    expect(fit(4)).toEqual([
      ['title', false],
      ['  2.3 mi', false],
      ['✗ downgr', true],
    ]);
  });

  it('cuts a warning it has no rows to wrap, rather than leave it out', () => {
    expect(fit(2)).toEqual([
      ['title', false],
      ['✗ downgr', false],
    ]);
  });
});
