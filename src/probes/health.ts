import type { Agent } from 'node:http';
import type { TargetConfig } from '../config/types.js';
import { endpoint } from '../steps/urls.js';
import { healthStatus } from '../steps/verify.js';
import { ForwardingRefused, type Transport } from '../transport/types.js';
import { HEALTH_ENDPOINTS, type HealthReading } from './health-endpoints.js';
import { readOnServer } from './health-on-server.js';
import { BackoffSchedule } from './backoff.js';
import { errorMessage, isErrorNamed } from '../util/error.js';
import { agentOver, httpModule, httpRequest } from '../util/http.js';

/**
 * How the probe reached the app: straight from the jump host, through the SSH
 * connection, or (the server refuses TCP forwarding) measured on the server
 * by curl over exec.
 */
export type HealthRoute = 'direct' | 'tunnel' | 'server';

export interface HealthSample {
  at: number;
  via: HealthRoute;
  readings: HealthReading[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * The app listens on the server's loopback in the runbook (localhost:5000),
 * which the jump host cannot reach: tunnel through the SSH connection when
 * the transport can. A local target (the demo) is reached directly.
 */
export function needsTunnel(target: TargetConfig, transport: Transport): boolean {
  const host = new URL(target.appUrl).hostname;
  return (
    target.transport === 'ssh' && LOOPBACK.has(host) && typeof transport.forward === 'function'
  );
}

/** The three requests of a poll share the agent's connections, which close after this long idle. */
const IDLE_MS = 1000;

/** A keep-alive agent, its connections straight to the app or (tunnel) channels through the transport. */
async function pollAgent(
  transport: Transport,
  target: TargetConfig,
  via: HealthRoute,
  onRefused: () => void,
): Promise<Agent> {
  const url = new URL(target.appUrl);
  const agent = new (await httpModule(url)).Agent({ keepAlive: true, timeout: IDLE_MS });
  if (via !== 'tunnel') return agent;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return agentOver(agent, () =>
    transport.forward!(url.hostname, port).catch((error: unknown) => {
      if (error instanceof ForwardingRefused) onRefused();
      throw error;
    }),
  );
}

export async function readEndpoint(
  base: string,
  e: (typeof HEALTH_ENDPOINTS)[number],
  agent: Promise<Agent>,
  timeoutMs: number,
): Promise<HealthReading> {
  try {
    const pooled = await agent;
    const started = performance.now();
    const response = await httpRequest(endpoint(base, e.path), {
      agent: pooled,
      timeoutMs,
      maxBodyBytes: 4096,
    });
    const latencyMs = Math.round(performance.now() - started);
    const reading: HealthReading = {
      name: e.name,
      path: e.path,
      code: response.status,
      latencyMs,
    };
    return e.name === 'detailed' ? { ...reading, status: healthStatus(response.body) } : reading;
  } catch (error) {
    // A wrapping error's cause, when it has one, says what failed (refused, reset, …).
    const message = isErrorNamed(error, 'TimeoutError')
      ? `no answer within ${timeoutMs} ms`
      : errorMessage(error instanceof Error && error.cause instanceof Error ? error.cause : error);
    return { name: e.name, path: e.path, error: message };
  }
}

export interface HealthProbeOptions {
  /** @default 3000 */
  intervalMs?: number;
  /** Per request. @default 2000 */
  timeoutMs?: number;
  /** The longest wait between two requests to a failing endpoint. @default 30000 */
  maxIntervalMs?: number;
}

/** Stops polling when called; `checkNow` asks every endpoint again at once, back-offs forgotten. */
export type HealthProbe = (() => void) & { checkNow(): void };

/** An endpoint the pane shows as failing: no answer, an error status, or /health/detailed not healthy. */
export const isFailing = (r: HealthReading): boolean =>
  r.code === undefined ||
  r.code >= 400 ||
  (r.name === 'detailed' && r.status !== undefined && r.status !== 'healthy');

/**
 * Polls the health endpoints; returns a function that stops polling and
 * closes the connections. A tunnel the server refuses (no TCP forwarding)
 * gives way, for good, to measuring on the server over exec: the app is
 * then judged by what answers on the target, not shown as "no answer".
 */
export function startHealthProbe(
  transport: Transport,
  target: TargetConfig,
  onSample: (sample: HealthSample) => void,
  options: HealthProbeOptions = {},
): HealthProbe {
  let via: HealthRoute = needsTunnel(target, transport) ? 'tunnel' : 'direct';
  let refused = false;
  const agent = pollAgent(transport, target, via, () => (refused = true));
  const timeoutMs = options.timeoutMs ?? 2000;
  const intervalMs = options.intervalMs ?? 3000;
  const schedule = new BackoffSchedule<HealthReading['name']>(
    intervalMs,
    options.maxIntervalMs ?? 30_000,
  );
  const last = new Map<HealthReading['name'], HealthReading>();
  // Measured on the server, the three requests are one exec: every endpoint is asked each time.
  const measure = async (now: number): Promise<HealthReading[]> => {
    if (via !== 'server') {
      const due = HEALTH_ENDPOINTS.filter((e) => schedule.isDue(e.name, now));
      const readings = await Promise.all(
        due.map((e) => readEndpoint(target.appUrl, e, agent, timeoutMs)),
      );
      if (!refused) return readings;
      via = 'server';
    }
    return readOnServer(transport, target, timeoutMs);
  };
  let stopped = false;
  let polling = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    polling = true;
    const fresh = await measure(Date.now());
    polling = false;
    if (stopped) return;
    const at = Date.now();
    for (const r of fresh)
      last.set(r.name, { ...r, nextCheckAt: schedule.record(r.name, isFailing(r), at) });
    if (fresh.length)
      onSample({
        at,
        via,
        readings: HEALTH_ENDPOINTS.flatMap((e) => last.get(e.name) ?? []),
      });
    // A listener that stopped the probe on this sample (one reading, the fleet's health gate) gets no more:
    // the next poll's timer would keep a finished command's process alive for a whole interval.
    if (stopped) return;
    timer = setTimeout(() => void tick(), again ? 0 : intervalMs);
    again = false;
  };
  void tick();
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    void agent.then((a) => a.destroy()).catch(() => undefined);
  };
  const checkNow = () => {
    if (stopped || !schedule.backingOff) return;
    schedule.reset();
    if (polling) again = true;
    else {
      clearTimeout(timer);
      timer = setTimeout(() => void tick(), 0);
    }
  };
  return Object.assign(stop, { checkNow });
}
