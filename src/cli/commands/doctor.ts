import type { TargetConfig } from '../../config/types.js';
import type { ResolvedFleet } from '../../fleet/group.js';
import { FLEET_PARALLELISM } from '../../fleet/parallelism.js';
import { allPassed, runDoctor, type DoctorReport } from '../../doctor/run.js';
import { plainLockAdvice, type LockAdvice } from '../../doctor/system.js';
import { cli } from '../../util/invocation.js';
import { fleetOfHostDeployment } from '../fleet-session.js';
import { fleetFlags } from '../resume-hint.js';
import { formatDoctorTable, formatFleetDoctorSummary } from '../../doctor/table.js';
import { fleetOf } from '../../session/fleet.js';
import { targetOf } from '../../session/target.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, worstExit } from '../../util/exit.js';
import { out as stdout } from '../../util/out.js';
import { startAtMost } from '../../util/pool.js';
import type { TextOut } from '../../util/text.js';

/**
 * Exit 0 only when every check passes; 1 when one fails (a finding, not bad
 * input); 2 when the connection was refused (host key, credentials), as for
 * every command.
 */
const doctorExit = (report: DoctorReport): number =>
  report.refused ? EXIT.badInput : allPassed(report) ? EXIT.ok : EXIT.stepFailed;

const heading = (name: string, target: TargetConfig) =>
  `Doctor: target ${name} (${target.transport === 'local' ? 'local' : target.host})\n\n`;

/**
 * How the lock row says to finish the deployment that holds the lock: one
 * of a fleet's hosts through its fleet (the state database, when there is
 * one, knows which; resuming the host alone is refused), named as
 * `options` named it; any other on its own target.
 */
export const lockAdvice =
  (targetName: string, options: ParsedArgs['options']): LockAdvice =>
  (id) => {
    const fleet = fleetOfHostDeployment(options, id);
    if (!fleet) return plainLockAdvice(targetName)(id);
    const flags = fleetFlags(fleet.name, options);
    return (
      `it is ${targetName}'s deployment in fleet ${fleet.id} of ${fleet.name}: finish the fleet ` +
      `(${cli(`resume ${fleet.id} ${flags}`)} or ${cli(`rollback ${fleet.id} ${flags}`)})`
    );
  };

/** Runs the doctor on one target and prints its table. */
export async function doctorTarget(
  name: string,
  target: TargetConfig,
  advise: LockAdvice,
  out = stdout,
): Promise<number> {
  out.write(heading(name, target));
  const report = await runDoctor(target, advise);
  out.write(formatDoctorTable(report.results));
  return doctorExit(report);
}

/**
 * The doctor on every member of a fleet, a few at once (as a rollout
 * prepares them): each host's table in group order, printed as soon as it
 * and those before it are done, then a row per host. Exit: the worst host's.
 */
export async function doctorFleet(
  fleet: ResolvedFleet,
  options: ParsedArgs['options'],
  out: TextOut = stdout,
  run: (target: TargetConfig, advise: LockAdvice) => Promise<DoctorReport> = runDoctor,
): Promise<number> {
  out.write(
    `Doctor: fleet ${fleet.name} (${fleet.members.map((m) => m.name).join(', ')}), ${FLEET_PARALLELISM} hosts at a time\n\n`,
  );
  const reports = startAtMost(fleet.members, FLEET_PARALLELISM, (m) =>
    run(m.target, lockAdvice(m.name, options)),
  );
  const hosts = [];
  for (const [i, member] of fleet.members.entries()) {
    const report = await reports[i]!;
    out.write(`${heading(member.name, member.target)}${formatDoctorTable(report.results)}\n`);
    hosts.push({ host: member.name, ...report });
  }
  out.write(formatFleetDoctorSummary(fleet.name, hosts));
  return worstExit(hosts.map(doctorExit));
}

/** `doctor [--config F] [--target T|GROUP] [--inventory F --group G] [--trust-host-key FP]`: read-only; needs no state database. */
export async function doctor(args: ParsedArgs): Promise<number> {
  const fleet = await fleetOf(args.options);
  if (fleet) return doctorFleet(fleet, args.options);
  const loaded = targetOf(args.options);
  return doctorTarget(loaded.name, loaded.target, lockAdvice(loaded.name, args.options));
}
