import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exitMarker,
  launchAndFollow,
  parseStatus,
  statusCommand,
} from '../../src/engine/journal.js';
import { makeMasker } from '../../src/engine/mask.js';

const bash = (script: string) => execFileSync('bash', ['-c', script], { encoding: 'utf8' });

describe('remote step journal', () => {
  it('runs a step detached, follows its output, and records its exit status atomically', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cvd-journal-')), 'dep', 'journal', '2.2-1');
    const out = bash(launchAndFollow(dir, 'echo one; echo two >&2; exit 7'));
    expect(out.trim().split('\n')).toEqual(['one', 'two', 'CVD-EXIT 7']);
    expect(readFileSync(join(dir, 'rc'), 'utf8').trim()).toBe('7');
    expect(parseStatus(bash(statusCommand(dir)))).toEqual({ kind: 'finished', code: 7 });
  });

  it('never starts the same attempt twice: a second launch only follows', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cvd-journal-')), 'j');
    const counter = join(dir, '..', 'count');
    const script = `echo x >> '${counter}'`;
    bash(launchAndFollow(dir, script));
    bash(launchAndFollow(dir, script));
    expect(readFileSync(counter, 'utf8')).toBe('x\n');
  });

  it('reports a journal that was never started as absent', () => {
    expect(parseStatus(bash(statusCommand('/nonexistent/journal/x')))).toEqual({ kind: 'absent' });
  });

  it('parses exit markers and nothing else', () => {
    expect(exitMarker('CVD-EXIT 0')).toBe(0);
    expect(exitMarker('CVD-EXIT unknown')).toBe('unknown');
    expect(exitMarker('exit 0')).toBeUndefined();
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
