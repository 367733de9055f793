/**
 * The built cvd-tui in a real terminal: tmux, on its own server socket, one
 * key per send-keys, the screen read with capture-pane and polled (no fixed
 * sleeps). `npm test` builds before it runs.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/config/load.js';
import { stopDemoService } from '../../src/demo/build.js';
import { shq } from '../../src/shell/quote.js';
import { firstRow, paneRows } from '../helpers/panes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOCKET = `cvd-tui-e2e-${process.pid}-${Date.now()}`;
const dirs: string[] = [];

const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

/** Starts `cvd-tui args…` in a new detached session; the pane stays after it exits, showing `EXIT=<code>`. */
function launch(session: string, size: [number, number], args: string[]): void {
  // CI would make Ink print only the last frame; FORCE_COLOR would defeat NO_COLOR-free reading. Neither belongs here.
  const command = `cd ${shq(ROOT)} && env -u CI -u FORCE_COLOR CVD_TUI_TEST_PASSWORD=test_password node bin/cvd-tui.js ${args.map(shq).join(' ')}; echo "EXIT=$?"; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', String(size[0]), '-y', String(size[1]), command);
}

const capture = (session: string) => tmux('capture-pane', '-p', '-t', session);

/** Polls the screen until it shows `expected` (every pattern, for a list; a predicate holds); returns the screen. */
async function screen(
  session: string,
  expected: string | RegExp | RegExp[] | ((text: string) => boolean),
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const shows = (text: string) =>
    typeof expected === 'function'
      ? expected(text)
      : typeof expected === 'string'
        ? text.includes(expected)
        : (Array.isArray(expected) ? expected : [expected]).every((p) => p.test(text));
  for (;;) {
    const text = capture(session);
    if (shows(text)) return text;
    if (Date.now() > deadline)
      throw new Error(`screen did not show ${String(expected)} within ${timeoutMs} ms:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One key per send-keys, as an operator types. */
const press = (session: string, ...keys: string[]) =>
  keys.forEach((key) => tmux('send-keys', '-t', session, key));

function demoDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-e2e-'));
  dirs.push(dir);
  return join(dir, 'demo');
}

/**
 * Waits until the app reads keys one by one: Ink draws its first frame before
 * it puts the terminal in raw mode, and an Enter typed in between arrives as
 * a line feed that no screen takes for Enter.
 */
async function readingKeys(session: string): Promise<void> {
  const tty = tmux('display-message', '-p', '-t', session, '#{pane_tty}').trim();
  const raw = () =>
    / -icanon /.test(` ${execFileSync('stty', ['-a', '-F', tty], { encoding: 'utf8' })} `);
  const deadline = Date.now() + 20_000;
  while (!raw()) {
    if (Date.now() > deadline) throw new Error(`${session}: the terminal never left line mode`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Start screen → checklist ticked with Space → phase screen. */
async function throughChecklist(session: string): Promise<void> {
  await screen(session, '▸ v1.0.1');
  await readingKeys(session);
  press(session, 'Enter');
  await screen(session, 'Pre-Deployment Checklist (0/12 ticked)');
  // Keys typed faster than the screen redraws still count one by one.
  for (let i = 0; i < 12; i++) press(session, 'Space', 'j');
  await screen(session, '(12/12 ticked)');
  press(session, 'Enter');
  await screen(session, '1.1 Environment Verification — next');
}

describe('cvd-tui in tmux', () => {
  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // The server is already gone.
    }
    for (const dir of dirs) {
      await stopDemoService(join(dir, 'demo')).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deploys v1.0.1 to a fresh demo target with keystrokes only, showing the three panes', async () => {
    const dir = demoDir();
    launch('deploy', [100, 30], ['demo', '--dir', dir]);
    await throughChecklist('deploy');
    press('deploy', 'A');
    await screen('deploy', 'Phase 1 complete');
    press('deploy', 'A');
    await screen('deploy', 'Phase 2 complete');
    press('deploy', 'A');
    await screen('deploy', 'Phase 3 complete');
    // The three panes, read from the terminal. The app was down in phase 2: wait for the next health poll.
    await screen('deploy', [
      /─ Resources ─[\s\S]*disk \/\s+\d+%\s+app fs\s+\d+%/,
      /memory\s+\d+%\s+cpu\s+\d+%/,
      /─ Health ─[\s\S]*\/health\s+200 \d+ ms/,
      /\/health\/detailed\s+healthy \(200\)/,
      /\/health\/database\s+200 \d+ ms/,
      // The title may name error.log lines that came in (the tail is kept apart: l shows it).
      /━ Logs[^━\n]*━[\s\S]*✓ 3\.4 succeeded: HTTPS working/,
      /✓ 3 Service Restart and Verification/,
    ]);
    press('deploy', 'A');
    await screen('deploy', 'Phase 4 complete');
    press('deploy', 'A');
    const summary = await screen('deploy', 'Deployment succeeded in');
    expect(summary).toContain('Verification Checklist');
    expect(summary).toMatch(/\[x\] Health endpoints responding/);
    press('deploy', 'q');
    const after = await screen('deploy', 'EXIT=0');
    expect(after).toMatch(/Deployment \d{8}_\d{6}_[0-9a-f]{4}: succeeded/);
    const health = await fetch(`${loadTarget(join(dir, 'cvd-tui.json')).target.appUrl}/health`);
    expect(await health.json()).toMatchObject({ version: 'v1.0.1' });
  });

  it("Tab through every pane keeps each pane's first line (issue 13)", async () => {
    const dir = demoDir();
    launch('tab', [100, 30], ['demo', '--dir', dir]);
    await throughChecklist('tab');
    // 1.1's output fills the Logs window: its first row is then a line of output.
    press('tab', 'Enter');
    const before = await screen(
      'tab',
      (text) =>
        text.includes('1.2 Create Deployment Directory — next') &&
        firstRow(text, 'Resources').startsWith('disk /') &&
        /^\/health\s/.test(firstRow(text, 'Health')) &&
        // The line store flushes after the step list moves on: wait for 1.1's last line.
        (paneRows(text, 'Logs')?.at(-1) ?? '').includes('✓ 1.1 succeeded'),
    );
    const logs = paneRows(before, 'Logs')!;
    // Its first row may be a blank line of 1.1's output; the window as a whole is output.
    expect(logs.filter((row) => row.trim() !== '').length).toBeGreaterThan(logs.length / 2);
    // Nothing runs now: the Logs window stays as it is, so after every Tab it must show the same rows.
    const whole = (focused: string) => (text: string) =>
      text.includes(`┏━ ${focused} `) &&
      /^disk \/\s+\d+%/.test(firstRow(text, 'Resources')) &&
      /^\/health\s+\S/.test(firstRow(text, 'Health')) &&
      JSON.stringify(paneRows(text, 'Logs')) === JSON.stringify(logs);
    // Twice round the ring, the step list included.
    const ring = ['Resources', 'Health', 'Steps', 'Logs'];
    for (const focused of [...ring, ...ring]) {
      press('tab', 'Tab');
      await screen('tab', whole(focused));
    }
    press('tab', 'q');
    await screen('tab', 'EXIT=1');
  });

  it('q mid-phase, then cvd-tui with no command resumes from the start screen to success (80×24)', async () => {
    const dir = demoDir();
    launch('first', [80, 24], ['demo', '--dir', dir]);
    await throughChecklist('first');
    press('first', 'Enter');
    await screen('first', '1.2 Create Deployment Directory — next');
    press('first', 'q');
    const quit = await screen('first', 'EXIT=1');
    const id = /Deployment (\d{8}_\d{6}_[0-9a-f]{4}) is paused/.exec(quit)?.[1];
    expect(id).toBeDefined();
    // tmux wraps the long line at 80 columns: join the screen's lines before reading the hint.
    expect(quit.replace(/\n/g, '')).toContain(
      // Started as `node bin/cvd-tui.js` (cvd-tui is not on PATH): the hint says so.
      `Resume with: node bin/cvd-tui.js resume ${id} --config ${dir}/cvd-tui.json --state ${dir}/state.db`,
    );

    launch(
      'again',
      [80, 24],
      ['--config', join(dir, 'cvd-tui.json'), '--state', join(dir, 'state.db')],
    );
    // Once the target has answered (the screen draws before, its keys wait for it).
    const start = await screen(
      'again',
      (text) => text.includes(`Unfinished deployment ${id}`) && !text.includes('checking'),
    );
    // Quit before 1.3 recorded what to go back to: nothing to roll back, so no Roll back.
    expect(start).toMatch(/▸ Resume\n\s+Abandon/);
    expect(start).toMatch(/Next step\s+1\.2 Create Deployment Directory/);
    await readingKeys('again');
    // A frame drawn and a raw terminal do not prove the start screen hears keys yet: a
    // harmless round trip (↓ then ↑, the cursor back on Resume) does, before Enter acts.
    press('again', 'j');
    await screen('again', '▸ Abandon');
    press('again', 'k');
    await screen('again', '▸ Resume');
    press('again', 'Enter');
    await screen('again', 'no step is running on the target');
    for (const phase of [1, 2, 3, 4]) {
      press('again', 'A');
      await screen('again', `Phase ${phase} complete`);
    }
    press('again', 'A');
    await screen('again', 'Deployment succeeded in');
    press('again', 'q');
    await screen('again', 'EXIT=0');
  });

  it("shows hostile text from the app and its log inert: the title, clipboard and screen stay the operator's", async () => {
    const dir = demoDir();
    launch('inert', [120, 32], ['demo', '--dir', dir]);
    // tmux turns an application's clipboard write (OSC 52) into a paste buffer: an observable clipboard.
    tmux('set-option', '-g', 'set-clipboard', 'on');
    await throughChecklist('inert');
    const ESC = '\u001b';
    const hostile = `PWN ${ESC}]0;PWNED-TITLE\u0007${ESC}]52;c;cHduZWQ=\u0007${ESC}[2J${ESC}[?1049l end`;
    // The demo app's knob: /health/detailed reports this as its status; and a line in error.log, tailed live.
    writeFileSync(join(dir, 'config', 'demo-health-status'), hostile);
    appendFileSync(join(dir, 'logs', 'error.log'), `ERROR ${hostile}\n`);
    await screen('inert', [
      /\/health\/detailed\s+PWN \\x1b\]0;PWNED-TITLE\\x07\\x1b\]52;c;/,
      /error\.log \+1 \(l\)/,
    ]);
    // The error.log tail is kept apart from the step output: `l` shows it.
    press('inert', 'l');
    const shown = await screen('inert', [
      /Logs: error\.log \(l: step output\)/,
      /ERROR PWN \\x1b\]0;PWNED-TITLE\\x07\\x1b\]52;c;cHduZWQ=\\x07\\x1b\[2J/,
    ]);
    expect(shown).toContain('1.1 Environment Verification — next');
    const pane = (format: string) => tmux('display-message', '-p', '-t', 'inert', format).trim();
    expect(pane('#{pane_title}')).not.toContain('PWNED');
    expect(tmux('list-buffers')).toBe('');
    expect(pane('#{alternate_on}')).toBe('1');
    // With -e, capture-pane gives the screen's own escapes: only the TUI's colours, none from the data.
    const raw = tmux('capture-pane', '-p', '-e', '-t', 'inert');
    expect(raw).toContain('PWN \\x1b]0;PWNED-TITLE\\x07');
    // eslint-disable-next-line no-control-regex -- an escape that is not a colour is the point
    expect(raw).not.toMatch(/\u001b(?!\[[\d;]*m)/);
    press('inert', 'q');
    await screen('inert', 'EXIT=1');
  });
});
