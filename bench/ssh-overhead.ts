/**
 * 2. Per-command overhead over SSH: 200 trivial commands through cvd-tui's
 * ssh transport (one node-ssh connection, a channel per command) vs. the same
 * through OpenSSH with a multiplexed control connection, as a shell script
 * would run them. Both against one loopback sshd, both connections opened
 * (and warmed by one command) before the clock starts. Runs alternate.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sshLogin } from '../test/helpers/sshd.js';
import { leanSshd } from './lean-sshd.js';
import { connectSsh } from './product.js';
import type { Transport } from '../src/transport/types.js';
import { median, sample, type Sample } from './stats.js';

const run = promisify(execFile);
const COMMANDS = 200;

export interface SshResult {
  commands: number;
  /** Milliseconds for all the commands, per run. */
  cvdTui: Sample;
  openSsh: Sample;
  /** median cvd-tui / median OpenSSH. */
  ratio: number;
  openSshVersion: string;
}

async function viaTransport(transport: Transport): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < COMMANDS; i++) {
    const result = await transport.exec('true');
    if (result.outcome.kind !== 'exited' || result.outcome.code !== 0)
      throw new Error(`cvd-tui transport: ${JSON.stringify(result.outcome)}`);
  }
  return performance.now() - started;
}

/** The loop runs in bash and is timed by bash ($EPOCHREALTIME): one ssh process per command, as a script runs them. */
async function viaOpenSsh(sshArgs: string[]): Promise<number> {
  const loop = `s=$EPOCHREALTIME; for ((i = 0; i < ${COMMANDS}; i++)); do ssh "$@" true || exit 1; done; echo "$s $EPOCHREALTIME"`;
  const { stdout } = await run('bash', ['-c', loop, 'loop', ...sshArgs]);
  const [start, end] = stdout.trim().split(' ').map(Number) as [number, number];
  return (end - start) * 1000;
}

export async function benchSsh(runs: number, log: (line: string) => void): Promise<SshResult> {
  const sshd = await leanSshd();
  const controlPath = join(sshd.dir, 'cm-%C');
  const sshArgs = [
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${sshd.knownHostsPath}`,
    '-o',
    'IdentitiesOnly=yes',
    '-i',
    sshd.privateKeyPath,
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${controlPath}`,
    '-o',
    'ControlPersist=300',
    '-p',
    String(sshd.port),
    `${sshd.username}@${sshd.host}`,
  ];
  let transport: Transport | undefined;
  try {
    const { stderr: version } = await run('ssh', ['-V']);
    transport = await connectSsh(sshLogin(sshd));
    const shell = await transport.exec('echo "$SHLVL"');
    if (!(Number(shell.output.trim()) >= 2))
      log(
        `  warning: the remote login shell has SHLVL=${shell.output.trim()}: ~/.bashrc may be in every command`,
      );
    // The first ssh becomes the control master and stays in the background (ControlPersist).
    await run('ssh', [...sshArgs, 'true']);
    const cvd: number[] = [];
    const openSsh: number[] = [];
    for (let i = 0; i < runs; i++) {
      cvd.push(await viaTransport(transport));
      openSsh.push(await viaOpenSsh(sshArgs));
      log(
        `  run ${i + 1}: cvd-tui ${(cvd[i]! / COMMANDS).toFixed(2)} ms/command, OpenSSH mux ${(openSsh[i]! / COMMANDS).toFixed(2)} ms/command`,
      );
    }
    return {
      commands: COMMANDS,
      cvdTui: sample(cvd, 0),
      openSsh: sample(openSsh, 0),
      ratio: Number((median(cvd) / median(openSsh)).toFixed(3)),
      openSshVersion: version.trim(),
    };
  } finally {
    await run('ssh', [...sshArgs, '-O', 'exit']).catch(() => undefined);
    await transport?.close();
    await sshd.stop();
  }
}
