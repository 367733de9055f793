import type { TargetConfig } from '../../config/types.js';
import { monitorThresholds } from '../../monitor/evaluate.js';
import { limitsLine, SAMPLE_HEADER, sampleLine } from '../../monitor/format.js';
import {
  recordMonitorResult,
  recordMonitorStart,
  recordMonitorStopped,
} from '../../monitor/record.js';
import { emptyTally, summarize } from '../../monitor/tally.js';
import { MONITOR_DEFAULTS, watch, type WatchResult } from '../../monitor/watch.js';
import type { StateStore } from '../../state/store.js';
import type { DeploymentRecord } from '../../state/types.js';
import { openTransport } from '../../transport/open.js';
import type { Transport } from '../../transport/types.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { pickDeployment } from '../../engine/workflows/pick.js';
import { openSession, type Session } from '../../session/open.js';
import { out as stdout } from '../../util/out.js';
import { cli } from '../../util/invocation.js';
import type { TextOut } from '../../util/text.js';
import { fleetChosen } from '../fleet-session.js';

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

/** How long and how often: `--minutes`, `--interval`. */
export interface MonitorWindow {
  minutes: number;
  interval: number;
}

/** Why a deployment is not watched (monitor watches a succeeded one: the breach advice is to roll it back), or undefined. */
export const notWatched = (d: DeploymentRecord): string | undefined =>
  d.status === 'succeeded' ? undefined : `deployment ${d.id} is ${d.status.replace('_', ' ')}`;

function pickMonitored(session: Session, id: string | undefined): DeploymentRecord {
  const deployment = pickDeployment(session.store, session.name, id, 'read');
  const why = notWatched(deployment);
  if (why) throw new InputError(`${why}: monitor watches a succeeded deployment`);
  return deployment;
}

/** One deployment's watch, recorded on it: its start, its samples' tally, how it ended (a signal too). */
export interface DeploymentWatch extends MonitorWindow {
  store: StateStore;
  operator: string;
  deployment: DeploymentRecord;
  target: TargetConfig;
  transport: Transport;
  /** Each sample's line and any breach under it. */
  out: TextOut;
}

export async function watchDeployment(w: DeploymentWatch): Promise<WatchResult> {
  const recording = { store: w.store, deploymentId: w.deployment.id, operator: w.operator };
  recordMonitorStart(recording, { minutes: w.minutes, intervalSeconds: w.interval });
  const tally = emptyTally(Date.now());
  // main() exits 130 on a signal without waiting for us; SQLite writes are synchronous, so record the stop first.
  const onSignal = () => recordMonitorStopped(recording, tally, 'interrupted by a signal');
  for (const signal of SIGNALS) process.prependOnceListener(signal, onSignal);
  try {
    const result = await watch({
      transport: w.transport,
      target: w.target,
      intervalSeconds: w.interval,
      durationMinutes: w.minutes,
      tally,
      onSample: (sample, breaches) =>
        w.out.write(
          `${sampleLine(sample)}\n${breaches.map((b) => `BREACH: ${b.message}\n`).join('')}`,
        ),
    });
    recordMonitorResult(recording, result);
    return result;
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}

/** How a watch ended, in one line: `passed: …`, `breached: reason; …`. */
export const resultLine = (result: WatchResult): string =>
  `${result.status}: ${result.reason ? `${result.reason}; ` : ''}${summarize(result.tally)}`;

/** The limits line for a target. */
export const limitsOf = (target: TargetConfig): string => limitsLine(monitorThresholds(target));

/**
 * `monitor [id] [--minutes N] [--interval S]`: the runbook's Post-Deployment
 * Monitoring, live against its limits. Read-only on the target, so it takes
 * neither the deploy lock nor the state lock. Exit 0 after a clean window;
 * 1 on a breach (printing the rollback command) or when the target stopped
 * answering; 130 on a signal, recorded as `stopped`. Without --headless it
 * prints the same lines; the TUI runs the same watch from its summary
 * screen, recorded the same way (monitor/record.ts). A fleet
 * (`--target GROUP`, or a fleet's id) is watched on every host: fleet-monitor.ts.
 */
export async function monitor(args: ParsedArgs, out = stdout): Promise<number> {
  const window = {
    minutes: positiveNumber('minutes', args.options.minutes, MONITOR_DEFAULTS.durationMinutes),
    interval: positiveNumber('interval', args.options.interval, MONITOR_DEFAULTS.intervalSeconds),
  };
  const fleet = fleetChosen(args);
  if (fleet) return (await import('../fleet-monitor.js')).monitorFleet(args, fleet, window, out);
  const session = openSession(args.options);
  let transport: Transport | undefined;
  try {
    const deployment = pickMonitored(session, args.id);
    transport = await openTransport(session.target);
    out.write(
      `Monitoring ${deployment.id} (${deployment.versionTo}) on ${session.name} for ${window.minutes} min, a sample every ${window.interval} s\n` +
        `  ${limitsOf(session.target)}\n${SAMPLE_HEADER}\n`,
    );
    const result = await watchDeployment({
      ...window,
      store: session.store,
      operator: session.operator,
      deployment,
      target: session.target,
      transport,
      out,
    });
    out.write(`Monitoring ${resultLine(result)}\n`);
    if (result.status === 'breached')
      out.write(`Roll back with: ${cli(`rollback ${deployment.id}`)}\n`);
    return result.status === 'passed' ? EXIT.ok : EXIT.stepFailed;
  } finally {
    await transport?.close();
    session.store.close();
  }
}
