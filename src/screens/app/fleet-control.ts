import type { EngineContext } from '../../engine/context.js';
import type { Runner } from '../../engine/runner.js';
import type { FleetChecklistItem } from '../../fleet/checklist.js';
import type { FleetView } from '../../fleet/view.js';

/**
 * What the fleet screen asks of a rollout. The engine's fleet runner is
 * adapted to it where the TUI is opened; a screen test hands a fixture.
 * Every action resolves once it has ended (a rollout: finished or halted).
 */
export interface FleetControl {
  /** The rollout as it is now (plain data), and a way to hear that it changed. */
  view: { getSnapshot(): FleetView; subscribe(listener: () => void): () => void };
  /** A host's own connection, target and name, and its runner once it has a deployment. */
  host(name: string): { context: EngineContext; runner: Runner | undefined };
  /**
   * The fleet's one pre-deployment checklist, read now from its hosts'
   * records (each host's evidence; red if any host failed a check). The
   * rollout does not start before every item is ticked.
   */
  checklist(): FleetChecklistItem[];
  /** Ticks or unticks an item on every host, for `by`; a red item needs a reason (recorded on every host). */
  tick(itemId: string, tick: { checked: boolean; by: string; reason?: string }): void;
  /** Starts the rollout, or goes on after a retry or a skip, until it ends or halts. */
  proceed(): Promise<void>;
  /** Runs the host's failed step again, and the rollout on if it passes. */
  retry(host: string): Promise<void>;
  /** Skips the host (it will not be deployed), with the operator's reason. */
  skip(host: string, reason: string): Promise<void>;
  /** Rolls back one host, or (null) every host that changed, in reverse order. */
  rollBack(host: string | null): Promise<void>;
}
