import { fleetChecklist, tickFleetItem } from '../../fleet/checklist.js';
import type { FleetHostHandle } from '../../fleet/checks.js';
import type { FleetRunner } from '../../fleet/runner.js';
import type { FleetView } from '../../fleet/view.js';
import type { StateStore } from '../../state/store.js';
import { ValueStore } from '../stores/value-store.js';
import type { FleetControl } from './fleet-control.js';

/** How often, at most, the fleet's view is re-read from the store while hosts run. */
const VIEW_REFRESH_MS = 100;

export interface FleetRunnerLink {
  runner: FleetRunner;
  hosts: readonly FleetHostHandle[];
  /** `resume`: the rollout's first start settles what a killed run left (FleetRunner.resume). */
  resuming: boolean;
  /** The state database the fleet and its hosts' checklists are recorded in. */
  store: StateStore;
}

/**
 * The engine's fleet runner as the fleet screen drives it. The view is
 * re-read from the state store (the truth) when a host's step starts or
 * ends or the fleet moves, at most every 100 ms and never per output line,
 * and once more when an action ends.
 */
export function fleetRunnerControl(link: FleetRunnerLink): FleetControl {
  const { runner } = link;
  const view = new ValueStore<FleetView>(runner.view());
  let timer: NodeJS.Timeout | undefined;
  const reread = () => {
    clearTimeout(timer);
    timer = undefined;
    view.set(runner.view());
  };
  runner.on((event) => {
    if (event.type === 'host' && event.event.type === 'line') return;
    timer ??= setTimeout(reread, VIEW_REFRESH_MS);
  });
  const settled = async (work: Promise<unknown>): Promise<void> => {
    try {
      await work;
    } finally {
      reread();
    }
  };
  let resuming = link.resuming;
  const contexts = new Map(link.hosts.map((h) => [h.name, h.ctx]));
  return {
    view,
    host: (name) => ({ context: contexts.get(name)!, runner: runner.runnerOf(name) }),
    checklist: () => fleetChecklist(link.store, runner.fleet.id),
    tick: (itemId, tick) => tickFleetItem(link.store, runner.fleet.id, itemId, tick),
    proceed: () => {
      const first = resuming;
      resuming = false;
      return settled(first ? runner.resume({ announce: true }) : runner.run());
    },
    retry: (host) => settled(runner.retry(host)),
    skip: (host, reason) => settled(runner.skip(host, reason)),
    rollBack: (host) => settled(runner.rollBack(host ?? undefined)),
  };
}
