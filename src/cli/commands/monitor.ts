import { monitorThresholds } from '../../monitor/evaluate.js';
import { limitsLine, SAMPLE_HEADER, sampleLine } from '../../monitor/format.js';
import {
  recordMonitorResult,
  recordMonitorStart,
  recordMonitorStopped,
} from '../../monitor/record.js';
import { emptyTally, summarize } from '../../monitor/tally.js';
import { MONITOR_DEFAULTS, watch } from '../../monitor/watch.js';
import type { DeploymentRecord } from '../../state/types.js';
import { openTransport } from '../../transport/open.js';
import type { Transport } from '../../transport/types.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { pickDeployment } from '../../engine/workflows/pick.js';
import { openSession, type Session } from '../../session/open.js';
import { out as stdout } from '../../util/out.js';
import { cli } from '../../util/invocation.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A `--minutes` / `--interval` value: a positive, finite number. */
export function positiveNumber(
  option: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InputError(`--${option} must be a positive number, not "${value}"`);
  return n;
}

/** Only a succeeded deployment is watched: the breach advice is to roll it back. */
function pickMonitored(session: Session, id: string | undefined): DeploymentRecord {
  const deployment = pickDeployment(session.store, session.name, id, 'read');
  if (deployment.status !== 'succeeded')
    throw new InputError(
      `deployment ${deployment.id} is ${deployment.status.replace('_', ' ')}: monitor watches a succeeded deployment`,
    );
  return deployment;
}

/**
 * `monitor [id] [--minutes N] [--interval S]`: the runbook's Post-Deployment
 * Monitoring, live against its limits. Read-only on the target, so it takes
 * neither the deploy lock nor the state lock. Exit 0 after a clean window;
 * 1 on a breach (printing the rollback command) or when the target stopped
 * answering; 130 on a signal, recorded as `stopped`. Without --headless it
 * prints the same lines; the TUI runs the same watch from its summary
 * screen, recorded the same way (monitor/record.ts).
 */
export async function monitor(args: ParsedArgs, out = stdout): Promise<number> {
  const minutes = positiveNumber('minutes', args.options.minutes, MONITOR_DEFAULTS.durationMinutes);
  const interval = positiveNumber(
    'interval',
    args.options.interval,
    MONITOR_DEFAULTS.intervalSeconds,
  );
  const session = openSession(args.options);
  let transport: Transport | undefined;
  let onSignal: (() => void) | undefined;
  try {
    const deployment = pickMonitored(session, args.id);
    transport = await openTransport(session.target);
    out.write(
      `Monitoring ${deployment.id} (${deployment.versionTo}) on ${session.name} for ${minutes} min, a sample every ${interval} s\n` +
        `  ${limitsLine(monitorThresholds(session.target))}\n${SAMPLE_HEADER}\n`,
    );
    const recording = {
      store: session.store,
      deploymentId: deployment.id,
      operator: session.operator,
    };
    recordMonitorStart(recording, { minutes, intervalSeconds: interval });
    const tally = emptyTally(Date.now());
    // main() exits 130 on a signal without waiting for us; SQLite writes are synchronous, so record the stop first.
    onSignal = () => recordMonitorStopped(recording, tally, 'interrupted by a signal');
    for (const signal of SIGNALS) process.prependOnceListener(signal, onSignal);
    const result = await watch({
      transport,
      target: session.target,
      intervalSeconds: interval,
      durationMinutes: minutes,
      tally,
      onSample: (sample, breaches) =>
        out.write(
          `${sampleLine(sample)}\n${breaches.map((b) => `BREACH: ${b.message}\n`).join('')}`,
        ),
    });
    recordMonitorResult(recording, result);
    out.write(
      `Monitoring ${result.status}: ${result.reason ? `${result.reason}; ` : ''}${summarize(result.tally)}\n`,
    );
    if (result.status === 'breached')
      out.write(`Roll back with: ${cli(`rollback ${deployment.id}`)}\n`);
    return result.status === 'passed' ? EXIT.ok : EXIT.stepFailed;
  } finally {
    for (const signal of SIGNALS) if (onSignal) process.off(signal, onSignal);
    await transport?.close();
    session.store.close();
  }
}
