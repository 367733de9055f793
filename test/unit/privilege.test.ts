/**
 * The privilege model, read off the built scripts of a production target
 * (useSudo true): root only through privilege.ts's fixed command lines,
 * everything in the app's tree as the app user.
 */
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { FIRST_CURSOR, sampleScript } from '../../src/monitor/sample.js';
import { checklistScript } from '../../src/steps/checklist.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../../src/steps/index.js';
import { ROOT_ACTIONS, rootArgv } from '../../src/steps/privilege.js';
import { shq } from '../../src/shell/quote.js';

const target = withDefaults({ transport: 'ssh', host: 'prod', username: 'cvdops' });
const id = '20261127_101500_ab12';
/** Facts that make every rollback step build its full script (nothing skipped). */
const facts = {
  previousCommit: 'a'.repeat(40),
  dbBackup: `/opt/cvd/backups/pre_deploy_${id}.db`,
  dbBackupRows: '0123456789abcdef',
  migrationStarted: 'v1.0.1',
  envBackup: `/opt/cvd/config/.env.backup_${id}`,
  unitBackup: `/opt/cvd/backups/cvd.service.backup_${id}`,
};
const ctx = {
  target,
  targetName: 'prod',
  operator: 'alice',
  deploymentId: id,
  startedAt: 0,
  version: 'v1.0.1',
  facts,
  secrets: {},
};
const scripts: [string, string][] = [
  ...[...DEPLOY_STEPS, ...ROLLBACK_STEPS].map((s): [string, string] => [s.id, s.script(ctx)]),
  ['checklist', checklistScript(target, 'v1.0.1')],
  ['monitor sample', sampleScript(target, FIRST_CURSOR)],
];

const ROOT_LINES = ROOT_ACTIONS.map((a) => rootArgv(target, a).map(shq).join(' '));
const APP_SHELL = `sudo -n -u ${shq(target.appUser)} -- bash -c '`;
/** An app-user command whole: its quoted script (`'\''` for each quote inside) and its arguments. */
const APP_COMMAND =
  /sudo -n -u 'cvdapp' -- bash -c '(?:[^']|'\\'')*' cvd-app(?: (?:'(?:[^']|'\\'')*'|"\$\w+"))*/g;
const ROOT_COMMAND = /sudo -n -- ((?:'[^']*' ?)+)/g;

describe('privilege model of every built script (useSudo true)', () => {
  it.each(scripts)(
    '%s: every sudo is the app user’s shell or one of the fixed root lines',
    (_, script) => {
      const sudos = [...script.matchAll(/\bsudo\b(?!:)/g)].map((m) => script.slice(m.index));
      for (const at of sudos) {
        if (at.startsWith(APP_SHELL)) continue;
        const root = /^sudo -n -- ((?:'[^']*' ?)+)/.exec(at);
        expect(root, `not an allowed sudo: ${at.slice(0, 80)}`).not.toBeNull();
        expect(ROOT_LINES).toContain(root![1]!.trim());
      }
      expect(script).not.toMatch(/sudo (-n )?-- '?(ba)?sh\b/);
    },
  );

  it('uses every root action somewhere, and no other root command', () => {
    const used = new Set(
      scripts.flatMap(([, s]) => [...s.matchAll(ROOT_COMMAND)].map((m) => m[1]!.trim())),
    );
    expect([...used].sort()).toEqual([...ROOT_LINES].sort());
  });

  it.each(scripts)('%s: nothing in the app’s tree runs as the operator', (_, script) => {
    // What the operator's own shell does once the app user's commands and the root lines are
    // taken out; paths may still be named in messages and facts, which touch nothing.
    const operator = script
      .replace(APP_COMMAND, 'APP')
      .replace(ROOT_COMMAND, 'ROOT ')
      .split('\n')
      .filter((line) => !/^\s*(echo|fact) /.test(line))
      .map((line) => line.replace(/(fail|sudo_run) '(?:[^']|'\\'')*'/g, '$1'))
      .join('\n');
    expect(operator.split('\n').filter((l) => l.includes('/opt/cvd'))).toEqual([]);
  });
});
