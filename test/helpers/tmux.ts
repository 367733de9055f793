/**
 * The built cvd-tui in a real terminal: tmux on its own server socket, one
 * key per send-keys, the screen read with capture-pane and polled (no fixed
 * sleeps). test/e2e/tui-tmux.test.ts keeps its own copy of these.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shq } from '../../src/shell/quote.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Tmux {
  /**
   * Starts `cvd-tui args…` in a new detached session; the pane stays after it
   * exits, showing `EXIT=<code>`. `password`: CVD_TUI_TEST_PASSWORD, or
   * undefined to leave it unset (cvd-tui then asks for it).
   */
  launch(session: string, size: [number, number], args: string[], password?: string): void;
  /** Polls the screen until it shows `expected` (every pattern, for a list); returns the screen. */
  screen(
    session: string,
    expected: string | RegExp | RegExp[],
    timeoutMs?: number,
  ): Promise<string>;
  /** One key per send-keys, as an operator types. */
  press(session: string, ...keys: string[]): void;
  /** Waits until the terminal is out of line mode (Ink or a prompt reads keys one by one). */
  readingKeys(session: string): Promise<void>;
  /**
   * Waits until cvd-tui sits waiting on the operator: its CPU time unchanged
   * over 10 polls (its lazy imports done, as when an operator takes a moment
   * to answer a prompt).
   */
  idle(session: string): Promise<void>;
  /**
   * As an operator goes to the first step: Enter on the start screen's
   * preselected v1.0.1 (`from: 'start'`), then every checklist item ticked,
   * then Enter, until 1.1 is next.
   */
  toPhaseOne(session: string, from?: 'start' | 'checklist'): Promise<void>;
  /**
   * Every item of the checklist on screen ticked (none red): Space and `j`
   * twelve times. `waitForKeys`: the checklist is the first screen, so wait
   * until cvd-tui reads keys.
   */
  tickChecklist(session: string, waitForKeys: boolean): Promise<void>;
  kill(): void;
}

export function tmuxServer(name: string): Tmux {
  const socket = `cvd-tui-${name}-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const capture = (session: string) => tmux('capture-pane', '-p', '-t', session);
  /** Polls `probe` every 50 ms until it gives a value; past the deadline, throws `failure()`. */
  const until = async <T>(probe: () => T | undefined, failure: () => string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(failure());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const tmuxApi: Tmux = {
    launch(session, size, args, password) {
      // CI would make Ink print only the last frame; FORCE_COLOR would put escapes in the captures.
      const secret =
        password === undefined
          ? '-u CVD_TUI_TEST_PASSWORD'
          : `CVD_TUI_TEST_PASSWORD=${shq(password)}`;
      const command = `cd ${shq(ROOT)} && env -u CI -u FORCE_COLOR ${secret} node bin/cvd-tui.js ${args.map(shq).join(' ')}; echo "EXIT=$?"; sleep 600`;
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        String(size[0]),
        '-y',
        String(size[1]),
        command,
      );
    },
    screen(session, expected, timeoutMs = 20_000) {
      const shows = (text: string) =>
        typeof expected === 'string'
          ? text.includes(expected)
          : (Array.isArray(expected) ? expected : [expected]).every((p) => p.test(text));
      let text = '';
      return until(
        () => ((text = capture(session)), shows(text) ? text : undefined),
        () => `screen did not show ${String(expected)} within ${timeoutMs} ms:\n${text}`,
        timeoutMs,
      );
    },
    press(session, ...keys) {
      keys.forEach((key) => tmux('send-keys', '-t', session, key));
    },
    async readingKeys(session) {
      const tty = tmux('display-message', '-p', '-t', session, '#{pane_tty}').trim();
      const raw = () =>
        / -icanon /.test(` ${execFileSync('stty', ['-a', '-F', tty], { encoding: 'utf8' })} `);
      await until(
        () => (raw() ? true : undefined),
        () => `${session}: the terminal never left line mode`,
        20_000,
      );
    },
    async idle(session) {
      const shell = tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim();
      const pid = execFileSync('pgrep', ['-P', shell, '-x', 'node'], { encoding: 'utf8' }).trim();
      // utime and stime: fields 14 and 15, counted after the command name's closing parenthesis.
      const cpu = () => {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return `${fields[11]}/${fields[12]}`;
      };
      let last = '';
      let still = 0;
      await until(
        () => {
          const now = cpu();
          still = now === last ? still + 1 : 0;
          last = now;
          return still >= 10 ? true : undefined;
        },
        () => `${session}: cvd-tui (pid ${pid}) never went idle`,
        20_000,
      );
    },
    async toPhaseOne(session, from = 'start') {
      const t = tmuxApi;
      if (from === 'start') {
        await t.screen(session, '▸ v1.0.1', 60_000);
        await t.readingKeys(session);
        t.press(session, 'Enter');
      }
      await t.tickChecklist(session, from === 'checklist');
      t.press(session, 'Enter');
      await t.screen(session, '1.1 Environment Verification — next');
    },
    async tickChecklist(session, waitForKeys) {
      const t = tmuxApi;
      await t.screen(session, 'Pre-Deployment Checklist (0/12 ticked)');
      if (waitForKeys) await t.readingKeys(session);
      // Keys typed faster than the screen redraws still count one by one.
      for (let i = 0; i < 12; i++) t.press(session, 'Space', 'j');
      await t.screen(session, '(12/12 ticked)');
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // The server is already gone.
      }
    },
  };
  return tmuxApi;
}
