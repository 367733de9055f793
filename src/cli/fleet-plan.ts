/**
 * `deploy --plan` and `rollback --plan` of a fleet (`--target GROUP`,
 * `--inventory F --group G`, or a fleet's id): the rollout's order, then
 * what each host would run. Nothing is changed; a deploy plan opens each
 * host only for its change preview (read-only), a few hosts at a time.
 */
import { FleetStore, type FleetRecord } from '../state/fleet-store.js';
import { rollbackOrder } from '../fleet/rollback.js';
import { memberDifferences } from '../fleet/differences.js';
import type { FleetMember, ResolvedFleet } from '../fleet/group.js';
import { FLEET_PARALLELISM } from '../fleet/parallelism.js';
import { batchesOf, planOf } from '../fleet/plan.js';
import { openState, type StateSession } from '../session/open.js';
import { DEPLOY_STEPS, ROLLBACK_STEPS } from '../steps/index.js';
import { EXIT, InputError } from '../util/exit.js';
import { cli } from '../util/invocation.js';
import { startAtMost } from '../util/pool.js';
import type { TextOut } from '../util/text.js';
import type { ParsedArgs } from './args.js';
import { planLine } from './commands/fleet.js';
import { fleetFlags } from './resume-hint.js';
import type { FleetChoice } from './fleet-session.js';
import { prefixLines } from './headless.js';
import {
  DEPLOY_NOTES,
  deployContext,
  NOTHING_RUN,
  planPreview,
  planSecrets,
  planVersion,
  rollbackContext,
  rollbackHeadline,
  stepBlocks,
  writeNotes,
  writeSteps,
  type PlanBase,
  type StepBlocks,
} from './plan-steps.js';

/** A fleet's `--plan`: exit 0, or 2 when there is nothing it could plan. */
export async function printFleetPlan(
  args: ParsedArgs,
  choice: FleetChoice,
  out: TextOut,
): Promise<number> {
  const state = openState(args.options, { readOnlyOk: true });
  try {
    if (args.command === 'deploy') await deployPlan(state, choice.fleet, planVersion(args), out);
    else rollbackPlan(args, state, choice, out);
    return EXIT.ok;
  } finally {
    state.store.close();
  }
}

const names = (hosts: readonly string[]) => hosts.join(', ') || '(none)';

async function deployPlan(
  state: StateSession,
  fleet: ResolvedFleet,
  version: string,
  out: TextOut,
): Promise<void> {
  const batches = batchesOf(fleet);
  const plan = planOf(
    fleet.members.map((m, i) => ({
      host: m.name,
      position: i,
      batch: batches[i]!,
      deploymentId: null,
      skipReason: null,
    })),
    fleet.maxFailures,
  );
  out.write(
    `Plan: deploy ${version} to fleet ${fleet.name} (${names(fleet.members.map((m) => m.name))}) as ${state.operator}\n` +
      planLine({ plan }) +
      `  order: 1.1-1.3 on every host (${FLEET_PARALLELISM} at a time); then each canary host alone through every phase; ` +
      'then each batch in parallel, once every host already deployed answers its health endpoints\n\n',
  );
  // Read-only, a few hosts at a time; printed in group order as each is ready.
  const previews = startAtMost(fleet.members, FLEET_PARALLELISM, async (m) => {
    const text = buffer();
    await planPreview(text, { ...state, file: '', name: m.name, target: m.target }, version);
    return text.value;
  });
  const width = Math.max(...fleet.members.map((m) => m.name.length));
  for (const [i, m] of fleet.members.entries())
    out.write(prefixLines(await previews[i]!, `${m.name.padEnd(width)}  `));
  // The members share 3.3's test user: the fleet takes its password as for the first member.
  const { secrets, note } = planSecrets(fleet.members[0]!.target);
  writeNotes(out, [NOTHING_RUN, ...DEPLOY_NOTES, note]);
  const base = (m: FleetMember): PlanBase => ({
    target: m.target,
    targetName: m.name,
    operator: state.operator,
    secrets,
  });
  writeHostSteps(
    out,
    fleet.members,
    fleet.members.map((m) => stepBlocks(DEPLOY_STEPS, deployContext(base(m), version))),
  );
}

/**
 * The steps once for the first host, then for each other host only the
 * steps whose text differs from it: members usually differ only in how they
 * are reached (never part of a script), so a fleet of N reads like one
 * target's plan; members laid out differently show every step that differs.
 */
export function writeHostSteps(
  out: TextOut,
  members: readonly FleetMember[],
  hosts: readonly StepBlocks[],
): void {
  const [first, ...others] = hosts;
  const firstName = members[0]!.name;
  const { connection, steps } = memberDifferences(members);
  const differ = others.map((h) => h.blocks.filter((b, i) => b.text !== first!.blocks[i]?.text));
  const same = members.slice(1).filter((_, i) => differ[i]!.length === 0);
  const reached = connection.length ? `how they are reached (${connection.join(', ')})` : '';
  out.write(
    `\n${
      steps.length
        ? `The hosts differ in ${steps.join(', ')}${reached && ` and in ${reached}`}`
        : `The hosts differ ${reached ? `only in ${reached}, which no script uses` : 'in no setting'}`
    }.\n` +
      `Steps on ${firstName}${same.length ? ` (the same on ${names(same.map((m) => m.name))})` : ''}:\n` +
      first!.prelude +
      first!.blocks.map((b) => b.text).join(''),
  );
  others.forEach((host, i) => {
    const blocks = differ[i]!;
    if (!blocks.length) return;
    const rest = host.blocks.length - blocks.length;
    out.write(
      `\nSteps on ${members[i + 1]!.name}: ${blocks.map((b) => b.id).join(' ')} differ from ${firstName}'s` +
        `${rest ? `; the other ${rest} are the same` : ''}:\n` +
        (host.prelude === first!.prelude ? '' : host.prelude) +
        blocks.map((b) => b.text).join(''),
    );
  });
}

/** The fleet the command names, or the group's latest. */
function recordOf(args: ParsedArgs, state: StateSession, choice: FleetChoice): FleetRecord {
  const record = choice.record ?? new FleetStore(state.store).latest(choice.fleet.name);
  if (!record)
    throw new InputError(
      `no recorded fleet of ${choice.fleet.name}: nothing to roll back (see ${cli(`history ${fleetFlags(choice.fleet.name, args.options)}`)})`,
    );
  return record;
}

/**
 * A fleet rollback's plan: the hosts a rollback would take, in its order
 * (one host's when the id is a host deployment), each with its own steps
 * (built from that host's facts, so they always differ), and the hosts it
 * would abandon instead.
 */
function rollbackPlan(
  args: ParsedArgs,
  state: StateSession,
  choice: FleetChoice,
  out: TextOut,
): void {
  const record = recordOf(args, state, choice);
  const hosts = new FleetStore(state.store).hosts(record.id);
  const one = hosts.find((h) => h.deploymentId === choice.hostDeploymentId);
  if (!one && record.status === 'rolled_back')
    throw new InputError(`fleet ${record.id} is rolled back: nothing to roll back`);
  const order = one ? [one.host] : rollbackOrder(state.store, hosts);
  const abandoned = one
    ? []
    : hosts.filter((h) => h.deploymentId && !order.includes(h.host)).map((h) => h.host);
  out.write(
    (one
      ? `Plan: roll back ${one.host} (deployment ${one.deploymentId}) of fleet ${record.id} (${record.versionTo} on ${record.name}, ${record.status}); the other hosts stay as they are\n`
      : `Plan: roll back fleet ${record.id} (${record.versionTo} on ${record.name}, ${record.status}): every host that changed, the last to change first\n` +
        `  order: ${names(order)}\n` +
        (abandoned.length
          ? `  then abandoned (never changed; their locks released): ${names(abandoned)}\n`
          : '')) + '\n',
  );
  const { secrets, note } = planSecrets(choice.fleet.members[0]!.target);
  writeNotes(out, [NOTHING_RUN, note]);
  for (const host of order) {
    const member = choice.fleet.members.find((m) => m.name === host);
    if (!member)
      throw new InputError(
        `${host} of fleet ${record.id} is no longer a member of ${choice.fleet.name}: restore it in the config`,
      );
    const d = state.store.deployment(hosts.find((h) => h.host === host)!.deploymentId!)!;
    const base = { target: member.target, targetName: host, operator: state.operator, secrets };
    const { ctx, notes } = rollbackContext(base, state.store, d);
    out.write(`\n${rollbackHeadline(d, host)}`);
    writeNotes(out, notes);
    writeSteps(out, ROLLBACK_STEPS, ctx);
  }
}

/** A TextOut that keeps what is written. */
function buffer(): TextOut & { readonly value: string } {
  let value = '';
  return {
    write: (text: string) => void (value += text),
    get value() {
      return value;
    },
  };
}
