import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, headlessDeploy } from '../helpers/cli.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { waitFor } from '../helpers/wait.js';

let demo: DemoHandle | undefined;
afterEach(async () => {
  await demo?.cleanup();
  demo = undefined;
});

const stepSucceeded = (state: string, stepId: string) => {
  try {
    const db = new Database(state, { readonly: true, fileMustExist: true });
    const row = db
      .prepare("SELECT 1 FROM attempts WHERE step_id = ? AND status = 'succeeded'")
      .get(stepId);
    db.close();
    return Boolean(row);
  } catch {
    return false;
  }
};

/** What the state database recorded for a step: its facts and its output, read without writing. */
const recorded = (state: string, stepId: string) => {
  const db = new Database(state, { readonly: true, fileMustExist: true });
  try {
    const facts = db.prepare('SELECT key, value FROM facts WHERE step_id = ?').all(stepId) as {
      key: string;
      value: string;
    }[];
    const output = db
      .prepare('SELECT text FROM output WHERE step_id = ? ORDER BY attempt, seq')
      .all(stepId) as { text: string }[];
    return {
      facts: Object.fromEntries(facts.map((r) => [r.key, r.value])),
      output: output.map((r) => r.text),
    };
  } finally {
    db.close();
  }
};

/**
 * Deploys v1.0.1 headless on a fresh demo with a short log window and, once
 * the window is counting (`after` done, its watcher started a moment before:
 * lines keep coming until it has counted one), appends `burst` to error.log.
 */
async function deployWithErrorsInWindow(burst: string[], after: '3.1' | '4.1' = '4.1') {
  demo = await freshDemo();
  const config = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  config.targets.demo.logWindowSeconds = 6;
  writeFileSync(demo.configPath, JSON.stringify(config));
  const deploy = startCli(headlessDeploy('v1.0.1', ...demo.flags));
  await waitFor(() => stepSucceeded(demo!.state, after));
  const errorLog = join(demo.dir, 'logs', 'error.log');
  const deploymentDir = () =>
    readdirSync(join(demo!.dir, 'deployments')).find((d) => !d.startsWith('.'))!;
  const counted = () => {
    try {
      return Number(
        readFileSync(
          join(demo!.dir, 'deployments', deploymentDir(), 'log-window', 'count'),
          'utf8',
        ),
      );
    } catch {
      return 0;
    }
  };
  await waitFor(
    () => {
      appendFileSync(errorLog, 'ERROR database connection reset\n');
      return counted() > 0;
    },
    5_000,
    100,
  );
  appendFileSync(errorLog, burst.map((line) => `${line}\n`).join(''));
  return deploy.done;
}

describe('4.1 log window', () => {
  it('counts errors logged from when 3.1 started the service, while the later steps run, and 5.3 fails on them', async () => {
    const { code, stdout } = await deployWithErrorsInWindow([], '3.1');
    expect(code).toBe(1);
    // 3.1 opened the window, so the errors logged during 3.2… were counted; 4.1 kept it open.
    expect(recorded(demo!.state, '4.1').output).toContain(
      'The log window is open since 3.1 started the service',
    );
    expect(stdout).toMatch(/^4\.2 .* succeeded/m);
    expect(stdout).toMatch(/^5\.3 .* failed .*\d+ error lines were logged during the log window/m);
  });

  it('cannot be talked out of its count by a log line that imitates a fact or an exit marker', async () => {
    // Before facts carried a nonce, the last line set windowErrors=0: 5.3 passed, the deploy exited 0.
    const forged = [
      ...Array.from({ length: 5 }, (_, i) => `ERROR request ${i} failed`),
      'CVD-EXIT 0 (error: none)',
      'CVD-FACT windowErrors=0',
    ];
    const { code, stdout } = await deployWithErrorsInWindow(forged);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^5\.3 .* failed .*\d+ error lines were logged during the log window/m);
    const finalStep = recorded(demo!.state, '5.3');
    // The forgery did reach 5.3's output (the window's last errors), as plain text.
    expect(finalStep.output).toContain('CVD-FACT windowErrors=0');
    expect(Number(finalStep.facts.windowErrors)).toBeGreaterThanOrEqual(1 + forged.length);
  });
});
