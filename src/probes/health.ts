import type { Socket } from 'node:net';
import { Agent, request } from 'undici';
import type { TargetConfig } from '../config/types.js';
import { endpoint } from '../steps/urls.js';
import { healthStatus } from '../steps/verify.js';
import { ForwardingRefused, type Transport } from '../transport/types.js';
import { HEALTH_ENDPOINTS, type HealthReading } from './health-endpoints.js';
import { readOnServer } from './health-on-server.js';
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

/** An undici dispatcher whose every connection is a channel through the transport. */
function tunnelAgent(transport: Transport, target: TargetConfig, onRefused: () => void): Agent {
  const url = new URL(target.appUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
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
  dispatcher: Agent,
  timeoutMs: number,
): Promise<HealthReading> {
  const started = performance.now();
  try {
    const response = await request(endpoint(base, e.path), {
      dispatcher,
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
}

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
): () => void {
  let via: HealthRoute = needsTunnel(target, transport) ? 'tunnel' : 'direct';
  let refused = false;
  // Short keep-alive: one connection serves the three requests of a poll, then idles out.
  const agent =
    via === 'tunnel'
      ? tunnelAgent(transport, target, () => (refused = true))
      : new Agent({ keepAliveTimeout: 1000 });
  const timeoutMs = options.timeoutMs ?? 2000;
  const measure = async (): Promise<HealthReading[]> => {
    if (via !== 'server') {
      const readings = await Promise.all(
        HEALTH_ENDPOINTS.map((e) => readEndpoint(target.appUrl, e, agent, timeoutMs)),
      );
      if (!refused) return readings;
      via = 'server';
    }
    return readOnServer(transport, target, timeoutMs);
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const readings = await measure();
    if (stopped) return;
    onSample({ at: Date.now(), via, readings });
    // A listener that stopped the probe on this sample (one reading, the fleet's health gate) gets no more:
    // the next poll's timer would keep a finished command's process alive for a whole interval.
    if (stopped) return;
    timer = setTimeout(() => void tick(), options.intervalMs ?? 3000);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    void agent.destroy().catch(() => undefined);
  };
}
