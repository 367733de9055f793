import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Signatures in OpenSSH's SSHSIG format, made and checked by ssh-keygen
 * itself (FIELD-NOTES: Signing), so `ssh-keygen -Y verify` accepts what
 * `export --sign` wrote and an auditor needs nothing but OpenSSH.
 */
export const NAMESPACE = 'cvd-tui';

/** The key that signs: a private key file, or the first key ssh-agent holds. */
export type SigningKey = { privateKeyPath: string } | { agentSocket: string | undefined };

export class SigningError extends Error {}

function sshKeygen(args: string[], input: string | Buffer, env?: NodeJS.ProcessEnv) {
  const run = spawnSync('ssh-keygen', args, { input, env: env ?? process.env });
  if (run.error)
    throw new SigningError(`ssh-keygen could not be run (${run.error.message}): install OpenSSH`);
  return {
    ok: run.status === 0,
    stdout: run.stdout.toString('utf8'),
    stderr: run.stderr.toString('utf8').trim(),
  };
}

/** The public half of the agent's first key, which ssh-keygen needs to have the agent sign. */
function agentPublicKey(socket: string | undefined): string {
  if (!socket)
    throw new SigningError(
      "no key to sign with: the target has no privateKeyPath and SSH_AUTH_SOCK is not set. Start ssh-agent and ssh-add your key, or set the target's privateKeyPath",
    );
  const list = spawnSync('ssh-add', ['-L'], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  const first = list.stdout?.toString('utf8').split('\n')[0]?.trim();
  if (list.status !== 0 || !first)
    throw new SigningError(
      `ssh-agent at ${socket} holds no key to sign with: ssh-add your key, then export again`,
    );
  return `${first}\n`;
}

/** Signs `content` (the bytes written to the exported file) and returns the armored signature. */
export function sign(content: string, key: SigningKey): string {
  if ('privateKeyPath' in key) return signWith(key.privateKeyPath, content, process.env);
  const dir = mkdtempSync(join(tmpdir(), 'cvd-sign-'));
  try {
    const publicKey = join(dir, 'agent-key.pub');
    writeFileSync(publicKey, agentPublicKey(key.agentSocket), { mode: 0o600 });
    return signWith(publicKey, content, { ...process.env, SSH_AUTH_SOCK: key.agentSocket });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `-` signs standard input to standard output: no `FILE.sig` overwrite prompt, and the caller writes it whole. */
function signWith(keyFile: string, content: string, env: NodeJS.ProcessEnv): string {
  const run = sshKeygen(['-Y', 'sign', '-n', NAMESPACE, '-f', keyFile, '-'], content, env);
  if (!run.ok || !run.stdout.includes('BEGIN SSH SIGNATURE'))
    throw new SigningError(`ssh-keygen could not sign with ${keyFile}: ${run.stderr}`);
  return run.stdout;
}

export interface SignatureCheck {
  ok: boolean;
  /** What ssh-keygen said: whose signature, with which key, or why it failed. */
  message: string;
}

/**
 * Checks `signatureFile` over `content`: the signer must be one of
 * `allowedSigners` (ssh-keygen's `-Y find-principals`, then `-Y verify` as
 * that principal). Without allowed signers a valid signature still says
 * nothing about who made it, so it does not pass.
 */
export function checkSignature(
  content: Buffer,
  signatureFile: string,
  allowedSigners: string | undefined,
): SignatureCheck {
  if (!allowedSigners) {
    const anyone = sshKeygen(
      ['-Y', 'check-novalidate', '-n', NAMESPACE, '-s', signatureFile],
      content,
    );
    return {
      ok: false,
      message: anyone.ok
        ? `${(anyone.stdout + anyone.stderr).trim()}, but no allowed signers say whose key that is: pass --allowed-signers <file>`
        : `bad signature: ${anyone.stderr}`,
    };
  }
  const found = sshKeygen(['-Y', 'find-principals', '-f', allowedSigners, '-s', signatureFile], '');
  const principal = found.stdout.split('\n')[0]?.trim();
  if (!found.ok || !principal)
    return {
      ok: false,
      message: `signed by a key that is not in ${allowedSigners} (${found.stderr || 'no principal matched'})`,
    };
  const verified = sshKeygen(
    ['-Y', 'verify', '-f', allowedSigners, '-I', principal, '-n', NAMESPACE, '-s', signatureFile],
    content,
  );
  return {
    ok: verified.ok,
    message: verified.ok
      ? (verified.stdout + verified.stderr).trim()
      : `bad signature: ${verified.stderr || 'ssh-keygen -Y verify refused it'} (the file was changed after it was signed)`,
  };
}
