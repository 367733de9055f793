import { useSyncExternalStore } from 'react';
import type { FleetView } from '../../fleet/view.js';
import type { TuiCore } from '../app/core.js';

const NO_FLEET = {
  subscribe: () => () => undefined,
  getSnapshot: (): FleetView | undefined => undefined,
};

/** The fleet the core belongs to, as it is now (re-rendering when it changes); undefined outside a fleet. */
export function useFleetView(core: TuiCore): FleetView | undefined {
  const store = core.fleet?.control.view ?? NO_FLEET;
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
