import type { Socket } from 'node:net';
import type { Agent } from 'undici';
import type { TargetConfig } from '../config/types.js';
import { endpoint } from '../steps/urls.js';
import { healthStatus } from '../steps/verify.js';
import { ForwardingRefused, type Transport } from '../transport/types.js';
import { HEALTH_ENDPOINTS, type HealthReading } from './health-endpoints.js';
import { readOnServer } from './health-on-server.js';
import { BackoffSchedule } from './backoff.js';
import { errorMessage, isErrorNamed } from '../util/error.js';

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

/**
 * undici, loaded on the first poll rather than with the TUI: it and its HTTP
 * parser's WebAssembly memory cost start-up time and RSS, and only the phase
 * screen's Health pane polls. `.default`: the bundle (scripts/bundle.js)
 * gives a CommonJS package's dynamic import its exports there only.
 */
const undici = async () => (await import('undici')).default;

/** An undici dispatcher whose every connection is a channel through the transport. */
async function tunnelAgent(
  transport: Transport,
  target: TargetConfig,
  onRefused: () => void,
): Promise<Agent> {
  const url = new URL(target.appUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const { Agent } = await undici();
  return new Agent({
    connect: (_options, callback) => {
      transport.forward!(url.hostname, port).then(
        // undici drives the stream through the Duplex interface it shares with a Socket.
        (stream) => callback(null, stream as Socket),
        (error: Error) => {
          if (error instanceof ForwardingRefused) onRefused();
          callback(error, null);
        },
      );
    },
  });
}

export async function readEndpoint(
  base: string,
  e: (typeof HEALTH_ENDPOINTS)[number],
  dispatcher: Promise<Agent>,
  timeoutMs: number,
): Promise<HealthReading> {
  try {
    const [{ request }, agent] = await Promise.all([undici(), dispatcher]);
    const started = performance.now();
    const response = await request(endpoint(base, e.path), {
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.body.text()).slice(0, 4096);
    const latencyMs = Math.round(performance.now() - started);
    const reading: HealthReading = {
      name: e.name,
      path: e.path,
      code: response.statusCode,
      latencyMs,
    };
    return e.name === 'detailed' ? { ...reading, status: healthStatus(body) } : reading;
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
  // Short keep-alive: one connection serves the three requests of a poll, then idles out.
  const agent =
    via === 'tunnel'
      ? tunnelAgent(transport, target, () => (refused = true))
      : undici().then(({ Agent }) => new Agent({ keepAliveTimeout: 1000 }));
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
