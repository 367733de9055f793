import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpRequest } from '../util/http.js';
import { run } from './exec.js';
import { demoLayout, type DemoLayout } from './layout.js';

const POLL_MS = 100;

/**
 * One GET; the status code, or undefined when nothing answered. Through
 * util/http, which loads Node's HTTP client on first use: imported here, it
 * loaded with every command (~3 ms before the TUI's first frame).
 */
const status = (url: string): Promise<number | undefined> =>
  httpRequest(url, { timeoutMs: 1000, maxBodyBytes: 0 }).then(
    (answer) => answer.status,
    () => undefined,
  );

/** Starts the app through cvdctl (which returns at once) and polls /health until it answers 200. */
export async function startDemoService(
  layout: DemoLayout,
  appPort: number,
  timeoutMs = 15_000,
): Promise<void> {
  await run(layout.cvdctl, ['start']);
  const deadline = Date.now() + timeoutMs;
  while ((await status(`http://127.0.0.1:${appPort}/health`)) !== 200) {
    if (Date.now() > deadline) {
      const log = await readFile(`${layout.logs}/error.log`, 'utf8').catch(() => '');
      throw new Error(
        `the demo app did not answer /health within ${timeoutMs} ms; ${layout.logs}/error.log:\n${log.slice(-2000)}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/**
 * Whether pid is this demo's app. The pid file may be stale (a crash, a
 * reboot) and its PID reused by an unrelated process, which must not be
 * signalled; a zombie's cmdline is empty, so it counts as gone.
 */
function isOurApp(pid: number, layout: DemoLayout): boolean {
  if (!existsSync('/proc/self')) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(layout.server);
  } catch {
    return false;
  }
}

async function waitGone(pid: number, layout: DemoLayout, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(POLL_MS)) {
    if (!isOurApp(pid, layout)) return true;
  }
  return !isOurApp(pid, layout);
}

/** Stops a demo's app by the PID in its pid file: SIGTERM, then SIGKILL after 10 s. No-op when not running. */
export async function stopDemoService(dir: string): Promise<void> {
  const layout = demoLayout(resolve(dir));
  const text = await readFile(layout.pidFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return;
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 1 && isOurApp(pid, layout)) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitGone(pid, layout, 10_000))) {
      process.kill(pid, 'SIGKILL');
      if (!(await waitGone(pid, layout, 5_000)))
        throw new Error(`demo app pid ${pid} survived SIGKILL`);
    }
  }
  await rm(layout.pidFile, { force: true });
}
