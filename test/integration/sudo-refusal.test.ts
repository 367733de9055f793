/**
 * A command refused by sudo fails its step at once, sudo's message in the
 * step's summary. Real sudo refuses a real unprivileged account here: the
 * step scripts of a production target (useSudo true) run as `nobody`, whom
 * no sudoers rule allows anything.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { newNonce, READ_NONCE, readMarked, withNonceStdin } from '../../src/steps/facts.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../../src/steps/index.js';
import type { StepContext } from '../../src/steps/types.js';

const NOBODY = 65534;
const available = (command: string) => spawnSync('which', [command]).status === 0;
const canDropToNobody = process.getuid?.() === 0 && available('setpriv') && available('sudo');

const target = withDefaults({ transport: 'ssh', host: 'prod', username: 'cvdops' });
const ctx: StepContext = {
  target,
  targetName: 'prod',
  operator: 'alice',
  deploymentId: '20261127_101500_ab12',
  startedAt: 0,
  version: 'v1.0.1',
  facts: { previousCommit: 'a'.repeat(40) },
  secrets: {},
};

/** Runs a step's script as `nobody` and judges it as the runner would. */
function runAsNobody(id: string) {
  const step = [...DEPLOY_STEPS, ...ROLLBACK_STEPS].find((s) => s.id === id)!;
  const started = Date.now();
  const nonce = newNonce();
  const script = `${READ_NONCE}\n${step.script(ctx)}`;
  const run = spawnSync(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'bash', '-c', script],
    {
      cwd: '/',
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH },
      input: withNonceStdin(nonce),
    },
  );
  const { output, facts } = readMarked(`${run.stdout}${run.stderr}`, nonce);
  const result = { exitCode: run.status ?? -1, output, facts };
  return { seconds: (Date.now() - started) / 1000, output, verdict: step.verify(result, ctx) };
}

describe.skipIf(!canDropToNobody)('sudo refusing a command', () => {
  it('R.1: a refused stop fails at once, naming the root command, instead of waiting for the service', () => {
    const { seconds, verdict, output } = runAsNobody('R.1');
    expect(verdict.ok, output).toBe(false);
    expect(verdict.summary).toMatch(
      /^sudo refused systemctl stop cvd as root: sudo: .* — allow it for the operator \(cvd-tui sudoers/,
    );
    // The runbook's R.1 waited the whole serviceSeconds (60 s) for a stop that never happened.
    expect(seconds).toBeLessThan(target.timeouts.serviceSeconds / 2);
  });

  it('1.3: a refused app-user command fails the backup, naming the app user', () => {
    const { verdict, output } = runAsNobody('1.3');
    expect(verdict.ok, output).toBe(false);
    expect(verdict.summary).toMatch(/^sudo refused run commands as cvdapp: sudo: /);
    expect(output).not.toContain('Backups completed successfully');
  });
});
