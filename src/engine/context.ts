import type { TargetConfig } from '../config/types.js';
import type { StateStore } from '../state/store.js';
import type { Transport } from '../transport/types.js';

/** Who runs what where: the store, the connection and the target every workflow and front end shares. */
export interface EngineContext {
  store: StateStore;
  transport: Transport;
  target: TargetConfig;
  targetName: string;
  operator: string;
  jumpHost: string;
}
