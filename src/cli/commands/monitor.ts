import { SAMPLE_HEADER } from '../../monitor/format.js';
import { MONITOR_DEFAULTS } from '../../monitor/watch.js';
import type { DeploymentRecord } from '../../state/types.js';
import { openTransport } from '../../transport/open.js';
import type { Transport } from '../../transport/types.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { pickDeployment } from '../../engine/workflows/pick.js';
import { openSession, type Session } from '../../session/open.js';
import { out as stdout } from '../../util/out.js';
import { cli } from '../../util/invocation.js';
import { fleetChosen } from '../fleet-session.js';
import {
  limitsOf,
  notWatched,
  positiveNumber,
  resultLine,
  watchDeployment,
} from '../monitor-watch.js';

/** The deployment the command names, refused unless it succeeded. */
function pickMonitored(session: Session, id: string | undefined): DeploymentRecord {
  const deployment = pickDeployment(session.store, session.name, id, 'read');
  const why = notWatched(deployment);
  if (why) throw new InputError(`${why}: monitor watches a succeeded deployment`);
  return deployment;
}

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
  const fleet = await fleetChosen(args);
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
