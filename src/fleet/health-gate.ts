import type { TargetConfig } from '../config/types.js';
import { startHealthProbe, type HealthSample } from '../probes/health.js';
import type { Transport } from '../transport/types.js';
import type { FleetHostHandle } from './checks.js';
import type { FleetHalt } from './view.js';

/** One reading of a host's health endpoints: what breaches, one line each (empty: healthy). */
export type HealthGate = (transport: Transport, target: TargetConfig) => Promise<string[]>;

/**
 * Reads every health endpoint once, the way the Health pane does (direct,
 * through the connection, or on the server), and names each that does not
 * answer or answers an HTTP error. Target text stays data: it is only
 * stored and shown inert.
 */
export const healthBreaches: HealthGate = async (transport, target) => {
  const sample = await new Promise<HealthSample>((resolve) => {
    const stop = startHealthProbe(
      transport,
      target,
      (s) => {
        stop();
        resolve(s);
      },
      { intervalMs: 60_000 },
    );
  });
  return sample.readings.flatMap((r) =>
    r.error !== undefined
      ? [`${r.path}: ${r.error}`]
      : r.code !== undefined && r.code >= 400
        ? [`${r.path}: HTTP ${r.code}`]
        : [],
  );
};

/**
 * Reads every host's health once, side by side, and names the first that
 * breaches as the halt it causes (null: every host is healthy).
 */
export async function firstBreach(
  hosts: readonly FleetHostHandle[],
  gate: HealthGate,
): Promise<FleetHalt | null> {
  const readings = await Promise.all(
    hosts.map(async ({ name, ctx }) => ({
      host: name,
      breaches: await gate(ctx.transport, ctx.target),
    })),
  );
  const breach = readings.find((r) => r.breaches.length);
  return breach
    ? {
        host: breach.host,
        stepId: null,
        reason: `health breach before the next batch: ${breach.breaches.join('; ')}`,
        at: Date.now(),
      }
    : null;
}
