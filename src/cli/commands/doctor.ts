import type { TargetConfig } from '../../config/types.js';
import { allPassed, runDoctor } from '../../doctor/run.js';
import { formatDoctorTable } from '../../doctor/table.js';
import { targetOf } from '../../session/target.js';
import type { ParsedArgs } from '../args.js';
import { EXIT } from '../../util/exit.js';
import { out as stdout } from '../../util/out.js';

/**
 * Runs the doctor on one target and prints its table. Exit 0 only when every
 * check passes; 1 when one fails (a finding, not bad input); 2 when the
 * connection was refused (host key, credentials), as for every command.
 */
export async function doctorTarget(
  name: string,
  target: TargetConfig,
  out = stdout,
): Promise<number> {
  out.write(`Doctor: target ${name} (${target.transport === 'local' ? 'local' : target.host})\n\n`);
  const report = await runDoctor(target);
  out.write(formatDoctorTable(report.results));
  if (report.refused) return EXIT.badInput;
  return allPassed(report) ? EXIT.ok : EXIT.stepFailed;
}

/** `doctor [--config F] [--target T] [--trust-host-key FP]`: read-only; needs no state database. */
export function doctor(args: ParsedArgs): Promise<number> {
  const loaded = targetOf(args.options);
  return doctorTarget(loaded.name, loaded.target);
}
