import type { TargetConfig } from '../../config/types.js';
import type { ResolvedFleet } from '../../fleet/group.js';
import { FLEET_PARALLELISM } from '../../fleet/parallelism.js';
import { allPassed, runDoctor, type DoctorReport } from '../../doctor/run.js';
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

/** Runs the doctor on one target and prints its table. */
export async function doctorTarget(
  name: string,
  target: TargetConfig,
  out = stdout,
): Promise<number> {
  out.write(heading(name, target));
  const report = await runDoctor(target);
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
  out: TextOut = stdout,
  run: (target: TargetConfig) => Promise<DoctorReport> = runDoctor,
): Promise<number> {
  out.write(
    `Doctor: fleet ${fleet.name} (${fleet.members.map((m) => m.name).join(', ')}), ${FLEET_PARALLELISM} hosts at a time\n\n`,
  );
  const reports = startAtMost(fleet.members, FLEET_PARALLELISM, (m) => run(m.target));
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
  if (fleet) return doctorFleet(fleet);
  const loaded = targetOf(args.options);
  return doctorTarget(loaded.name, loaded.target);
}
