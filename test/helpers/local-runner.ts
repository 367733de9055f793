import { withDefaults } from '../../src/config/defaults.js';
import type { TargetConfig } from '../../src/config/types.js';
import { Runner } from '../../src/engine/runner.js';
import type { StateStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';

/**
 * A deployment of v1.0.1 by alice to a local target, recorded as begun at
 * `startedAt`, and the engine's runner for it: the engine as the TUI and
 * headless drive it, without a demo target. `target`: a plain local one
 * (no sudo) unless given.
 */
export function localRunner(
  store: StateStore,
  id: string,
  {
    startedAt = Date.now(),
    target = withDefaults({ transport: 'local', useSudo: false }),
  }: {
    startedAt?: number;
    target?: TargetConfig;
  } = {},
): Runner {
  store.createDeployment({
    id,
    target: 'demo',
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    startedAt,
  });
  return new Runner({
    store,
    transport: new LocalTransport(),
    target,
    targetName: 'demo',
    deploymentId: id,
    operator: 'alice',
    secrets: {},
  });
}
