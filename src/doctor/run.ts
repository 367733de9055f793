import type { TargetConfig } from '../config/types.js';
import { execWithFacts } from '../engine/execute.js';
import { openTransport } from '../transport/open.js';
import { TransportRefused, type Transport } from '../transport/types.js';
import { forwardingCheck } from './forwarding.js';
import { certificateCheck, serviceCheck, urlsCheck } from './service.js';
import { pathsCheck } from './paths.js';
import { sudoCheck } from './sudo.js';
import { diskCheck, lockCheck, toolsCheck, type LockAdvice } from './system.js';
import { fail, pass, type CheckResult, type RemoteCheck } from './types.js';

/** In table order. Each runs alone so one slow or failing check cannot hide another. */
const checks = (advise: LockAdvice): readonly RemoteCheck[] => [
  sudoCheck,
  pathsCheck,
  toolsCheck,
  serviceCheck,
  urlsCheck,
  certificateCheck,
  diskCheck,
  lockCheck(advise),
];

/** Enough for curl's 10 s and openssl; a check that takes longer is itself a finding. */
const CHECK_TIMEOUT_MS = 30_000;

export interface DoctorReport {
  results: CheckResult[];
  /** The connection was refused (host key, credentials): bad input, exit 2. */
  refused: boolean;
}

export const allPassed = (report: DoctorReport): boolean => report.results.every((r) => r.ok);

/**
 * Connects, runs every read-only check, and closes. Never throws for what
 * it finds. `advise`: how to finish the deployment that holds the deploy lock.
 */
export async function runDoctor(
  target: TargetConfig,
  advise: LockAdvice,
  open: (target: TargetConfig) => Promise<Transport> = openTransport,
): Promise<DoctorReport> {
  let transport: Transport;
  try {
    transport = await open(target);
  } catch (error) {
    return { results: connectionFailure(error), refused: error instanceof TransportRefused };
  }
  const results: CheckResult[] = [
    { name: 'connection', ...pass(transport.description) },
    target.transport === 'ssh'
      ? { name: 'host key', ...pass('matches known_hosts') }
      : { name: 'host key', ...pass('not used (local transport)') },
  ];
  try {
    const forwarding = await forwardingCheck(transport, target);
    if (forwarding) results.push(forwarding);
    for (const check of checks(advise)) results.push(...(await runCheck(transport, target, check)));
  } finally {
    await transport.close();
  }
  return { results, refused: false };
}

async function runCheck(
  transport: Transport,
  target: TargetConfig,
  check: RemoteCheck,
): Promise<CheckResult[]> {
  const result = await execWithFacts(transport, check.script(target), {
    timeoutMs: CHECK_TIMEOUT_MS,
  });
  if (result.outcome.kind !== 'exited') {
    const why =
      result.outcome.kind === 'lost'
        ? `connection lost: ${result.outcome.reason}`
        : `no result within ${CHECK_TIMEOUT_MS / 1000} s`;
    // The judge still names its rows, so the table says which checks are unknown.
    return check.judge({}, target, '').map((row) => ({
      ...row,
      ...fail(why, 'run doctor again; if it persists, check the target'),
    }));
  }
  return check.judge(result.facts, target, result.output);
}

const FINGERPRINT = /SHA256:[A-Za-z0-9+/]{43}/;

function connectionFailure(error: unknown): CheckResult[] {
  const message = error instanceof Error ? error.message : String(error);
  const notRun: CheckResult = {
    name: 'other checks',
    ...fail('not run: no connection', 'fix the connection first'),
  };
  if (error instanceof TransportRefused && /host key/i.test(message)) {
    // The first fingerprint in a refusal is the one the server presented.
    const fingerprint = FINGERPRINT.exec(message)?.[0] ?? 'SHA256:…';
    const hint = /HOST KEY CHANGED/.test(message)
      ? 'do not connect until the change is explained; the detail names the commands'
      : /@revoked/.test(message)
        ? 'the key is revoked in known_hosts: the server needs a new host key'
        : `verify ${fingerprint} out of band (on the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then run again with --trust-host-key ${fingerprint}`;
    return [
      { name: 'connection', ...fail('refused before authentication', 'see the host key row') },
      { name: 'host key', ...fail(message, hint) },
      notRun,
    ];
  }
  const hint =
    error instanceof TransportRefused
      ? 'check username, privateKeyPath or ssh-agent (ssh-add -l), and the ssh config'
      : 'check host and port (ssh -G HOST shows what ssh would use) and that sshd is reachable';
  return [{ name: 'connection', ...fail(message, hint) }, notRun];
}
