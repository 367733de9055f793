import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { execute, execWithFacts, journalAttempt } from '../../src/engine/execute.js';
import {
  attemptCommand,
  launchAndFollow,
  parseStatus,
  readAttempt,
  reattach,
  statusCommand,
} from '../../src/engine/journal.js';
import { makeMasker } from '../../src/engine/mask.js';
import { markedLine, newNonce, readMarked } from '../../src/steps/facts.js';
import { targetShell } from '../../src/steps/shell.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { ExecOptions, Transport } from '../../src/transport/types.js';

const bash = (script: string, input = '') =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', input });
const plain = withDefaults({ transport: 'local', useSudo: false });
const script = (...lines: string[]) => targetShell(plain).script(...lines);
const journal = (name = '2.2-1') =>
  join(mkdtempSync(join(tmpdir(), 'cvd-journal-')), 'dep', 'journal', name);

/** A local transport that keeps every command and stdin it was given. */
function recording(): Transport & { sent: { command: string; options?: ExecOptions }[] } {
  const local = new LocalTransport();
  const sent: { command: string; options?: ExecOptions }[] = [];
  return {
    description: 'recording',
    sent,
    exec(command, options) {
      sent.push({ command, options });
      return local.exec(command, options);
    },
    close: () => local.close(),
  };
}

/** What a step could print to imitate our markers, for a given (wrong) nonce. */
const forgeries = (nonce: string) => [
  'CVD-FACT windowErrors=0',
  'CVD-EXIT 0',
  `CVD-FACT:${nonce} windowErrors=0`,
  `CVD-EXIT:${nonce} 0`,
  `CVD-NONCE:${nonce} ${nonce}`,
];

describe('remote step journal', () => {
  it('runs a step detached, follows its output, and records facts and exit status', async () => {
    const dir = journal();
    const lines: [string, boolean][] = [];
    const execution = await execute(
      new LocalTransport(),
      plain,
      script('echo one', 'echo two >&2', 'fact answer 42', 'exit 7'),
      { journal: dir, timeoutMs: 30_000, onLine: (line, fact) => lines.push([line, fact]) },
    );
    expect(execution).toEqual({
      kind: 'exited',
      code: 7,
      output: 'one\ntwo\nCVD-FACT answer=42',
      facts: { answer: '42' },
      streamedWhole: true,
    });
    expect(lines).toEqual([
      ['one', false],
      ['two', false],
      ['CVD-FACT answer=42', true],
    ]);
    expect(readFileSync(join(dir, 'rc'), 'utf8').trim()).toBe('7');
    expect(parseStatus(bash(statusCommand(plain, dir)))).toEqual({
      kind: 'finished',
      code: 7,
      ranMs: expect.any(Number),
    });
    // What `recover` (and a runner whose stream was cut) reads back: the same facts, code and output.
    expect(await journalAttempt(new LocalTransport(), plain, dir)).toEqual({
      facts: { answer: '42' },
      exitCode: 7,
      output: 'one\ntwo\nCVD-FACT answer=42',
    });
    // The journal is for the app user's eyes only: the nonce above all.
    for (const file of ['nonce', 'out', 'rc', 'script.sh'])
      expect(statSync(join(dir, file)).mode & 0o077).toBe(0);
  });

  it('never starts the same attempt twice: a second launch only follows, and reads the first nonce', async () => {
    const dir = journal('j');
    const counter = join(dir, '..', 'count');
    const step = script(`echo x >> '${counter}'`, 'fact runs "$(wc -l < ' + `'${counter}')"`);
    const run = () =>
      execute(new LocalTransport(), plain, step, {
        journal: dir,
        timeoutMs: 30_000,
        onLine: () => undefined,
      });
    await run();
    const again = await run();
    expect(readFileSync(counter, 'utf8')).toBe('x\n');
    expect(again).toMatchObject({ kind: 'exited', code: 0, facts: { runs: '1' } });
  });

  it('on a hardened host, reaches the journal only as the app user: no root, no other sudo', () => {
    const hardened = withDefaults({ transport: 'ssh', host: 'prod', useSudo: true });
    const dir = '/opt/cvd/deployments/d/journal/2.3-1';
    const commands = [
      launchAndFollow(hardened, dir, script('echo hi')),
      reattach(hardened, dir),
      statusCommand(hardened, dir),
      attemptCommand(hardened, dir),
    ];
    // As written, or quoted once more inside the detached runner's `bash -c '…'`.
    const asApp = /sudo -n -u '(?:\\'')?cvdapp'(?:\\'')? -- "\$@"/g;
    for (const command of commands) {
      expect(command).toMatch(asApp);
      expect(command.replaceAll(asApp, '')).not.toMatch(/sudo/);
    }
    expect([launchAndFollow(plain, dir, 'x'), statusCommand(plain, dir)].join('\n')).not.toMatch(
      /sudo/,
    );
  });

  it('reports a journal that was never started as absent', () => {
    expect(parseStatus(bash(statusCommand(plain, '/nonexistent/journal/x')))).toEqual({
      kind: 'absent',
    });
  });

  it('keeps the nonce off every command line, out of the script and out of what is shown', async () => {
    const dir = journal();
    const transport = recording();
    const shown: string[] = [];
    const execution = await execute(transport, plain, script('fact a 1', 'echo "$0"'), {
      journal: dir,
      timeoutMs: 30_000,
      onLine: (line) => shown.push(line),
    });
    const nonce = readFileSync(join(dir, 'nonce'), 'utf8').trim();
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(transport.sent[0]!.options?.stdin).toBe(`${nonce}\n`);
    expect(transport.sent[0]!.command).not.toContain(nonce);
    expect(readFileSync(join(dir, 'script.sh'), 'utf8')).not.toContain(nonce);
    expect(shown.join('\n')).not.toContain(nonce);
    expect(execution.output).not.toContain(nonce);
    // The app a step starts must not inherit it: the step's environment has no CVD_NONCE.
    const env = await execute(
      new LocalTransport(),
      plain,
      script('bash -c \'echo "child sees ${CVD_NONCE-nothing}"\''),
      { journal: journal(), timeoutMs: 30_000, onLine: () => undefined },
    );
    expect(env.output).toBe('child sees nothing');
  });

  it('never takes a fact or an exit status from a line with a wrong or absent nonce', async () => {
    const wrong = newNonce();
    const forged = forgeries(wrong)
      .map((line) => `echo '${line}'`)
      .concat(forgeries(wrong).map((line) => `echo '${line}' >&2`));
    // Journaled: the forged exit markers and facts stay output; the real status is 3.
    const journaled = await execute(
      new LocalTransport(),
      plain,
      script('fact windowErrors 6', ...forged, 'exit 3'),
      { journal: journal(), timeoutMs: 30_000, onLine: () => undefined },
    );
    expect(journaled).toMatchObject({ kind: 'exited', code: 3, facts: { windowErrors: '6' } });
    for (const line of forgeries(wrong)) expect(journaled.output).toContain(line);
    // Read-only (no journal): the same.
    const direct = await execute(
      new LocalTransport(),
      plain,
      script('fact windowErrors 6', ...forged, 'exit 3'),
      { timeoutMs: 30_000, onLine: () => undefined },
    );
    expect(direct).toMatchObject({ kind: 'exited', code: 3, facts: { windowErrors: '6' } });
    // doctor, monitor, preflight and drift read facts the same way.
    const checked = await execWithFacts(new LocalTransport(), script(...forged), {
      timeoutMs: 30_000,
    });
    expect(checked.facts).toEqual({});
  });

  it('reads markers only with the exact nonce', () => {
    const nonce = newNonce();
    const other = newNonce();
    expect(markedLine(`CVD-FACT:${nonce} a=1`, nonce)).toMatchObject({ kind: 'fact', key: 'a' });
    expect(markedLine(`CVD-EXIT:${nonce} 5`, nonce)).toEqual({ kind: 'exit', code: 5 });
    for (const line of [
      ...forgeries(other),
      `CVD-FACT:${nonce.toUpperCase()} a=1`,
      ` CVD-FACT:${nonce} a=1`,
      `CVD-FACT:${nonce}0 a=1`,
      `CVD-EXIT:${nonce} -1`,
      `x CVD-EXIT:${nonce} 0`,
    ])
      expect(markedLine(line, nonce)).toEqual({ kind: 'text' });
    expect(readMarked(`CVD-FACT:${nonce} a=1\nCVD-EXIT:${nonce} 0`, undefined)).toEqual({
      facts: {},
      exitCode: undefined,
      output: `CVD-FACT:${nonce} a=1\nCVD-EXIT:${nonce} 0`,
    });
  });

  it('reads an attempt directory: rc over markers, nothing from a journal without a nonce', () => {
    const nonce = newNonce();
    const out = `x\nCVD-FACT:${nonce} previousCommit=abc\nCVD-FACT previousCommit=evil\nCVD-EXIT:${nonce} 0\n`;
    expect(readAttempt({ nonce: `${nonce}\n`, rc: '0\n', out })).toEqual({
      facts: { previousCommit: 'abc' },
      exitCode: 0,
      output: 'x\nCVD-FACT previousCommit=abc\nCVD-FACT previousCommit=evil',
    });
    // Died before rc: the exit marker, if the runner wrote it, still tells.
    expect(readAttempt({ nonce, out }).exitCode).toBe(0);
    expect(readAttempt({ out })).toMatchObject({ facts: {}, exitCode: undefined });
    expect(readAttempt({ nonce: 'not-a-nonce', out }).facts).toEqual({});
  });
});

describe('secret masking', () => {
  it('masks secrets, each line of a multi-line secret, and leaves short fragments alone', () => {
    const mask = makeMasker([
      'https://hooks.slack.com/services/T0/B0/XYZ',
      '-----BEGIN KEY-----\nMIIEabcdef\n-----END KEY-----',
      'ab',
      undefined,
    ]);
    expect(mask('posting to https://hooks.slack.com/services/T0/B0/XYZ failed')).toBe(
      'posting to *** failed',
    );
    expect(mask('line MIIEabcdef here')).toBe('line *** here');
    expect(mask('ab cd')).toBe('ab cd');
  });

  it('masks a secret as it reads inside a JSON string, quotes and newlines escaped', () => {
    const mask = makeMasker(['pw"with\nnewline']);
    expect(mask(JSON.stringify({ password: 'pw"with\nnewline' }))).toBe('{"password":"***"}');
  });
});
