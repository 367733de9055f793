import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  formatKnownHostsLine,
  keyTypeOf,
  parseKnownHosts,
  verifyHostKey,
} from '../../src/transport/known-hosts.js';

const run = promisify(execFile);

interface TestKey {
  /** `type base64`, as in a .pub file and a known_hosts line. */
  text: string;
  blob: Buffer;
  pubPath: string;
}

let dir: string;
let keyA: TestKey;
let keyB: TestKey;
let rsa: TestKey;

async function makeKey(name: string, type: string): Promise<TestKey> {
  const file = path.join(dir, name);
  await run('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-C',
    name,
    '-f',
    file,
  ]);
  const [keyType, base64] = (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/);
  return {
    text: `${keyType} ${base64}`,
    blob: Buffer.from(base64!, 'base64'),
    pubPath: `${file}.pub`,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cvd-known-hosts-'));
  [keyA, keyB, rsa] = await Promise.all([
    makeKey('a', 'ed25519'),
    makeKey('b', 'ed25519'),
    makeKey('r', 'rsa'),
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('host lookup', () => {
  it('matches a plain host on port 22 only', () => {
    const text = `prod.example.com ${keyA.text}\n`;
    expect(verifyHostKey(text, 'prod.example.com', 22, keyA.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, 'PROD.Example.com', 22, keyA.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, 'prod.example.com', 2222, keyA.blob).kind).toBe('unknown');
    expect(verifyHostKey(text, 'other.example.com', 22, keyA.blob).kind).toBe('unknown');
  });

  it('matches [host]:port entries on that port only', () => {
    const text = `[10.0.0.5]:2222 ${keyA.text}\n`;
    expect(verifyHostKey(text, '10.0.0.5', 2222, keyA.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, '10.0.0.5', 22, keyA.blob).kind).toBe('unknown');
    expect(verifyHostKey(text, '10.0.0.5', 2223, keyA.blob).kind).toBe('unknown');
  });

  it('matches every name of a comma list', () => {
    const text = `prod,10.0.0.5,[prod.example.com]:2200 ${keyA.text}\n`;
    for (const [host, port] of [
      ['prod', 22],
      ['10.0.0.5', 22],
      ['prod.example.com', 2200],
    ] as const) {
      expect(verifyHostKey(text, host, port, keyA.blob)).toEqual({ kind: 'match' });
    }
    expect(verifyHostKey(text, 'prod.example.com', 22, keyA.blob).kind).toBe('unknown');
  });

  it('honours wildcards and negation', () => {
    const text = `*.example.com,!evil.example.com ${keyA.text}\n`;
    expect(verifyHostKey(text, 'app1.example.com', 22, keyA.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, 'evil.example.com', 22, keyA.blob).kind).toBe('unknown');
    // '.' in a pattern is literal, not a regex wildcard.
    expect(verifyHostKey(text, 'app1xexample.com', 22, keyA.blob).kind).toBe('unknown');
  });

  it('matches entries hashed by ssh-keygen -H', async () => {
    const file = path.join(dir, 'hashed_known_hosts');
    await writeFile(file, `prod.example.com ${keyA.text}\n[10.0.0.5]:2222 ${keyB.text}\n`);
    await run('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('prod.example.com');
    expect(text).toMatch(/^\|1\|/m);
    expect(verifyHostKey(text, 'prod.example.com', 22, keyA.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, '10.0.0.5', 2222, keyB.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, '10.0.0.5', 22, keyB.blob).kind).toBe('unknown');
    expect(verifyHostKey(text, 'prod.example.com', 22, keyB.blob).kind).toBe('changed');
  });

  it('matches a hashed entry computed independently (HMAC-SHA1 of the name, keyed by the salt)', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[db.internal]:2022').digest();
    const text = `|1|${salt.toString('base64')}|${hash.toString('base64')} ${keyA.text}\n`;
    expect(verifyHostKey(text, 'db.internal', 2022, keyA.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, 'db.internal', 22, keyA.blob).kind).toBe('unknown');
  });
});

describe('verdicts', () => {
  it('reports a changed key with both fingerprints', () => {
    const text = `prod ${keyA.text}\n`;
    expect(verifyHostKey(text, 'prod', 22, keyB.blob)).toEqual({
      kind: 'changed',
      fingerprint: fingerprintOf(keyB.blob),
      knownFingerprints: [fingerprintOf(keyA.blob)],
    });
  });

  it('calls a host that presents a key of another type changed, not unknown', () => {
    const verdict = verifyHostKey(`prod ${rsa.text}\n`, 'prod', 22, keyA.blob);
    expect(verdict.kind).toBe('changed');
  });

  it('accepts any one of several known keys for a host', () => {
    const text = `prod ${rsa.text}\nprod ${keyA.text}\n`;
    expect(verifyHostKey(text, 'prod', 22, keyA.blob)).toEqual({ kind: 'match' });
    expect(verifyHostKey(text, 'prod', 22, rsa.blob)).toEqual({ kind: 'match' });
  });

  it('refuses a @revoked key even when another line trusts it', () => {
    const text = `prod ${keyA.text}\n@revoked * ${keyA.text}\n`;
    expect(verifyHostKey(text, 'prod', 22, keyA.blob)).toEqual({
      kind: 'revoked',
      fingerprint: fingerprintOf(keyA.blob),
    });
    // Revocation is of that key only.
    expect(
      verifyHostKey(`@revoked * ${keyA.text}\nprod ${keyB.text}\n`, 'prod', 22, keyB.blob),
    ).toEqual({ kind: 'match' });
  });

  it('reports unknown for an empty (or missing) file', () => {
    expect(verifyHostKey('', 'prod', 22, keyA.blob)).toEqual({
      kind: 'unknown',
      fingerprint: fingerprintOf(keyA.blob),
    });
  });

  it('ignores @cert-authority lines, comments, blank and malformed lines', () => {
    const text = [
      '# a comment naming prod',
      '',
      `@cert-authority prod ${keyA.text}`,
      'prod ssh-ed25519',
      `prod ssh-rsa ${keyA.text.split(' ')[1]}`, // type disagrees with the blob
      'prod ssh-ed25519 !!!notbase64',
      `   prod   ${keyB.text}   trailing comment  `,
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.line).toBe(7);
    expect(verifyHostKey(text, 'prod', 22, keyA.blob).kind).toBe('changed');
    expect(verifyHostKey(text, 'prod', 22, keyB.blob)).toEqual({ kind: 'match' });
  });
});

describe('fingerprints and lines', () => {
  it('computes the fingerprint ssh-keygen -lf prints', async () => {
    for (const key of [keyA, rsa]) {
      const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', key.pubPath]);
      expect(fingerprintOf(key.blob)).toBe(stdout.split(' ')[1]);
    }
    expect(fingerprintOf(keyA.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reads the key type out of the blob', () => {
    expect(keyTypeOf(keyA.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(rsa.blob)).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.from('nonsense'))).toBeUndefined();
  });

  it('formats a known_hosts line that ssh-keygen and the parser both accept', async () => {
    const plain = formatKnownHostsLine('Prod.example.com', 22, keyA.blob);
    expect(plain).toBe(`prod.example.com ${keyA.text}`);
    const bracketed = formatKnownHostsLine('10.0.0.5', 2222, keyA.blob);
    expect(bracketed).toBe(`[10.0.0.5]:2222 ${keyA.text}`);
    expect(verifyHostKey(`${bracketed}\n`, '10.0.0.5', 2222, keyA.blob)).toEqual({ kind: 'match' });

    const file = path.join(dir, 'formatted_known_hosts');
    await writeFile(file, `${bracketed}\n`);
    const { stdout } = await run('ssh-keygen', ['-F', '[10.0.0.5]:2222', '-f', file]);
    expect(stdout).toContain(keyA.text);
    expect(() => formatKnownHostsLine('x', 22, Buffer.alloc(2))).toThrow();
  });
});
