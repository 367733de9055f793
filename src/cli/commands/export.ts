import { rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { buildExecutionLog } from '../../export/build.js';
import { toMarkdown } from '../../export/markdown.js';
import { sign, SigningError, type SigningKey } from '../../export/signature.js';
import type { TargetConfig } from '../../config/types.js';
import { expandHome } from '../../transport/open.js';
import type { ParsedArgs } from '../args.js';
import { EXIT, InputError } from '../../util/exit.js';
import { pickDeployment } from '../../engine/workflows/pick.js';
import { openSession, openState } from '../../session/open.js';
import { buildFleetLog, fleetMarkdown } from '../../fleet/export.js';
import { FleetStore } from '../../state/fleet-store.js';
import { fleetChosen, type FleetChoice } from '../fleet-session.js';
import { err } from '../../util/out.js';
import { inertJson, printable } from '../../util/text.js';
import { cli } from '../../util/invocation.js';

/** The operator's key: the one the target logs in with, else ssh-agent's. */
const signingKey = (target: TargetConfig): SigningKey =>
  target.privateKeyPath
    ? { privateKeyPath: expandHome(target.privateKeyPath, homedir()) }
    : { agentSocket: process.env.SSH_AUTH_SOCK };

/** `export [id] --format md|json --out FILE [--sign]`: the execution log of one deployment. */
export async function exportLog(args: ParsedArgs): Promise<number> {
  const format = args.options.format ?? 'md';
  if (format !== 'md' && format !== 'json')
    throw new InputError(`--format must be md or json, not "${printable(format)}"`);
  const choice = await fleetChosen(args);
  if (choice) return exportFleet(args, format, choice);
  const session = openSession(args.options, { readOnlyOk: true });
  try {
    const deployment = pickDeployment(session.store, session.name, args.id, 'read');
    const log = buildExecutionLog(
      session.store,
      deployment.id,
      session.target.thresholds.maxRegressionPercent,
    );
    writeLog(args, format === 'json' ? `${inertJson(log)}\n` : toMarkdown(log), session.target);
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}

/**
 * A fleet's execution log (`--target GROUP`, or a fleet's id): the fleet's
 * summary, then each host's; a host deployment's id with `--target GROUP`:
 * that host's alone. Signed with the first member's key.
 */
function exportFleet(args: ParsedArgs, format: 'md' | 'json', choice: FleetChoice): number {
  const { store } = openState(args.options, { readOnlyOk: true });
  try {
    const thresholds = new Map(
      choice.fleet.members.map((m) => [m.name, m.target.thresholds.maxRegressionPercent]),
    );
    const fleetId = choice.record?.id ?? new FleetStore(store).latest(choice.fleet.name)?.id;
    if (!fleetId) throw new InputError(`no recorded fleet of ${choice.fleet.name}`);
    const host = choice.hostDeploymentId && store.deployment(choice.hostDeploymentId);
    const log = host
      ? buildExecutionLog(store, host.id, thresholds.get(host.target))
      : buildFleetLog(store, fleetId, (h) => thresholds.get(h));
    const text =
      format === 'json'
        ? `${inertJson(log)}\n`
        : 'kind' in log
          ? fleetMarkdown(log)
          : toMarkdown(log);
    writeLog(args, text, choice.fleet.members[0]!.target);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** Writes the log to `--out` (signed with `--sign`) or stdout. */
function writeLog(args: ParsedArgs, text: string, target: TargetConfig): void {
  const { out } = args.options;
  if (out) {
    writeFileSync(out, text, { mode: 0o600 });
    err.write(`Execution log written to ${out}\n`);
  } else {
    // As it is: both formats are inert by construction, and no line of a document is cut.
    process.stdout.write(text);
  }
  if (out && args.options.sign) {
    // A signature left from an earlier export is of other bytes: never leave it beside this one.
    rmSync(`${out}.sig`, { force: true });
    try {
      writeFileSync(`${out}.sig`, sign(text, signingKey(target)), { mode: 0o600 });
    } catch (error) {
      if (error instanceof SigningError)
        throw new InputError(`${error.message}\n  ${out} is written, unsigned.`);
      throw error;
    }
    err.write(`Signature written to ${out}.sig (check: ${cli(`verify ${out}`)})\n`);
  }
}
