import { FleetRunner, type FleetOutcome } from '../../fleet/runner.js';
import { cli } from '../../util/invocation.js';
import { refuseIfUnfinished, startFleet } from '../../fleet/start.js';
import type { FleetView } from '../../fleet/view.js';
import type { FleetRecord } from '../../state/fleet-store.js';
import { resolveSecrets, type Secrets } from '../../session/secrets.js';
import { EXIT, InputError } from '../../util/exit.js';
import { err, out } from '../../util/out.js';
import type { ParsedArgs } from '../args.js';
import {
  fleetChosen,
  openFleetSession,
  pickFleet,
  type FleetChoice,
  type FleetSession,
} from '../fleet-session.js';
import { prefixed, printSteps } from '../headless.js';
import { lockState, refusingHeld } from '../locks.js';
import { fleetFlags } from '../resume-hint.js';
import { table } from './history.js';
import { confirmChecklist, headlessVersion } from './deploy.js';
import { confirmChanges } from '../change-preview.js';
import { readHostPreviews } from '../../fleet/preview.js';

/** deploy, resume or rollback `--headless` of a fleet (`--target GROUP`, or a fleet's id). */
export async function fleetHeadless(args: ParsedArgs): Promise<number> {
  const choice = await fleetChosen(args);
  if (!choice) throw new InputError('no fleet named: pass --target GROUP');
  if (args.command === 'resume' || args.command === 'rollback') {
    if (choice.hostDeploymentId && args.command === 'resume')
      throw new InputError(
        `${args.id} is one host of fleet ${choice.record!.id}: resume the fleet (${cli(`resume ${choice.record!.id} ${fleetFlags(choice.fleet.name, args.options)}`)})`,
      );
    return withFleet(
      args,
      choice,
      async (runner) => {
        if (args.command === 'resume') {
          await skipFirst(args, runner);
          return runner.resume({ announce: true });
        }
        const host = runner.view().hosts.find((h) => h.deploymentId === choice.hostDeploymentId);
        out.write(
          host
            ? `Rolling back ${host.host} (deployment ${host.deploymentId}) of fleet ${runner.fleet.id}\n`
            : `Rolling back fleet ${runner.fleet.id}: every host that changed, the last to change first\n`,
        );
        return runner.rollBack(host?.host);
      },
      choice.hostDeploymentId,
    );
  }
  return deployFleet(args, choice);
}

/**
 * `resume --skip-host HOST --reason TEXT`: the host is left out first, as the
 * fleet screen's `s` does (FleetRunner.skip refuses a canary, exit 2), and
 * the resume then goes on with the rollout without it.
 */
async function skipFirst(args: ParsedArgs, runner: FleetRunner): Promise<void> {
  const { skipHost, reason } = args.options;
  if (skipHost === undefined) return;
  out.write(`Skipping ${skipHost} of fleet ${runner.fleet.id}: ${reason}\n`);
  await runner.skip(skipHost, reason!);
}

/** `deploy --target GROUP --version TAG --headless --confirm-all`. */
async function deployFleet(args: ParsedArgs, choice: FleetChoice): Promise<number> {
  const version = headlessVersion(args);
  const session = await openFleetSession(args, choice.fleet);
  try {
    lockState(session);
    refuseIfUnfinished(session.store, choice.fleet, fleetFlags(choice.fleet.name, args.options));
    await confirmFleetChanges(session, version, args.options.allowDowngrade);
    const { record, hosts } = await startFleet({ ...session, version });
    const runner = headlessFleet(session, record, hosts, await fleetSecrets(choice), (id) =>
      confirmChecklist(session, id, true),
    );
    out.write(
      `Deploying ${version} to fleet ${choice.fleet.name} as ${session.operator}: fleet ${record.id}\n` +
        planLine(runner.view()),
    );
    return finishFleet(args, runner, await refusingHeld(choice.fleet, () => runner.run()));
  } finally {
    await session.close();
  }
}

/**
 * Each host's change preview, prefixed by the host, as a lone target's
 * headless deploy prints its own; a downgrade across a migration on any
 * host refuses the fleet (exit 2, naming the host) unless
 * `--allow-downgrade` confirms it, before any host is begun.
 */
async function confirmFleetChanges(
  session: FleetSession,
  version: string,
  allowDowngrade: boolean,
): Promise<void> {
  const previews = readHostPreviews(session.hosts, version);
  const width = Math.max(...session.hosts.map((h) => h.name.length));
  for (const [i, h] of session.hosts.entries()) {
    const prefix = `${h.name.padEnd(width)}  `;
    try {
      confirmChanges(
        await previews[i]!,
        allowDowngrade,
        prefixed(out, prefix),
        prefixed(err, prefix),
      );
    } catch (error) {
      // A refusal, or a preview the host could not give: either way, which host.
      if (error instanceof Error) error.message = `${h.name}: ${error.message}`;
      throw error;
    }
  }
}

/** Picks the fleet the command names (or the group's latest), opens it, and runs `work`. */
async function withFleet(
  args: ParsedArgs,
  choice: FleetChoice,
  work: (runner: FleetRunner) => Promise<FleetOutcome>,
  hostDeploymentId?: string,
): Promise<number> {
  const session = await openFleetSession(args, choice.fleet);
  try {
    lockState(session);
    const record = pickFleet(
      session.store,
      choice,
      args.command === 'resume' ? 'resume' : 'rollback',
    );
    out.write(
      `${args.command === 'resume' ? 'Resuming' : 'Opening'} fleet ${record.id} (${record.versionTo} on ${record.name})\n`,
    );
    const runner = headlessFleet(session, record, session.hosts, await fleetSecrets(choice), (id) =>
      confirmChecklist(session, id, args.options.confirmAll),
    );
    const outcome = await refusingHeld(choice.fleet, () => work(runner));
    return finishFleet(args, runner, outcome, hostDeploymentId);
  } finally {
    await session.close();
  }
}

/** 3.3's password for the fleet, never asked headless: its members share the app and its test user. */
const fleetSecrets = (choice: FleetChoice) =>
  resolveSecrets(choice.fleet.members[0]!.target, { interactive: false });

/** A fleet runner whose every host's steps print one line each, prefixed by the host. */
function headlessFleet(
  session: FleetSession,
  record: FleetRecord,
  hosts: FleetSession['hosts'],
  secrets: Secrets,
  confirm: (deploymentId: string) => void,
): FleetRunner {
  const runner = new FleetRunner({
    store: session.store,
    fleetId: record.id,
    hosts,
    secrets,
    confirmChecklist: confirm,
  });
  const width = Math.max(...hosts.map((h) => h.name.length), 'fleet'.length);
  for (const { name } of hosts) {
    const prefix = `${name.padEnd(width)}  `;
    printSteps(
      {
        on: (listener) =>
          runner.on((e) => e.type === 'host' && e.host === name && listener(e.event)),
      },
      prefixed(out, prefix),
      prefixed(err, prefix),
    );
  }
  runner.on((e) => {
    if (e.type === 'fleet' && e.status !== 'in_progress')
      out.write(`${'fleet'.padEnd(width)}  ${e.detail}\n`);
  });
  return runner;
}

/** The rollout's order in one line: canary, batches, when it halts. */
export const planLine = (view: Pick<FleetView, 'plan'>): string =>
  `  plan: canary ${view.plan.canary.join(', ') || '(none)'}` +
  view.plan.batches.map((b, i) => `; batch ${i + 1}: ${b.join(', ')}`).join('') +
  `; halts when more than ${view.plan.maxFailures} host(s) fail, or a canary does\n`;

/**
 * The fleet's closing table, the exit code, and what the operator can do
 * next (the fleet named as `args` named it). `hostDeploymentId`: the command acted on that one host, whose
 * outcome is the exit code.
 */
function finishFleet(
  args: ParsedArgs,
  runner: FleetRunner,
  outcome: FleetOutcome,
  hostDeploymentId?: string,
): number {
  const view = runner.view();
  out.write(
    table([
      ['HOST', 'BATCH', 'STATUS', 'DEPLOYMENT', 'STEP', 'VERSION'],
      ...view.hosts.map((h) => [
        h.host,
        String(h.batch),
        h.status,
        h.deploymentId ?? '-',
        h.currentStep ? `${h.currentStep.id} ${h.currentStep.status}` : '-',
        h.versionRunning ?? '?',
      ]),
    ]),
  );
  const host = view.hosts.find((h) => h.deploymentId === hostDeploymentId);
  if (host?.status === 'rolled_back') {
    out.write(
      `${host.host} (deployment ${host.deploymentId}): rolled back; fleet ${view.id} is ${view.status}\n`,
    );
    return EXIT.ok;
  }
  if (outcome.status === 'succeeded' || outcome.status === 'rolled_back') {
    out.write(`Fleet ${view.id}: ${outcome.status.replace('_', ' ')}\n`);
    return EXIT.ok;
  }
  const at = outcome.halted;
  const failed =
    view.hosts.find((h) => h.host === at?.host) ?? view.hosts.find((h) => h.status === 'failed');
  const t = `${fleetFlags(view.group, args.options)} --headless`;
  out.write(
    (at
      ? `Fleet ${view.id} halted at ${at.host}${at.stepId ? ` ${at.stepId}` : ''}: ${at.reason}\n`
      : `Fleet ${view.id} paused\n`) +
      `  Resume (retries where each host stopped):`.padEnd(44) +
      `${cli(`resume ${view.id} ${t}`)}\n` +
      (failed?.deploymentId
        ? `  Roll back ${failed.host} only:`.padEnd(44) +
          `${cli(`rollback ${failed.deploymentId} ${t}`)}\n`
        : '') +
      `  Roll back every host that changed:`.padEnd(44) +
      `${cli(`rollback ${view.id} ${t}`)}\n`,
  );
  return EXIT.stepFailed;
}
