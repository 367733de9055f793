import type { Agent, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * HTTP over Node's own client, loaded on first use: the only callers are the
 * Health pane's probe and 5.1's webhook, and undici (which they used) cost
 * ~30 MB of RSS once loaded, its parser's WebAssembly memory included.
 */
export const httpModule = (url: URL) =>
  url.protocol === 'https:' ? import('node:https') : import('node:http');

export interface HttpAnswer {
  status: number;
  /** At most `maxBodyBytes` of the body, as UTF-8. */
  body: string;
}

export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Node's global agent when not given. */
  agent?: Agent;
  /** Connect, headers and body together; then rejects with a `TimeoutError`. */
  timeoutMs: number;
  /** The rest of the body is never read: a server can send anything. */
  maxBodyBytes: number;
}

export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const target = new URL(url);
    const { request } = await httpModule(target);
    return await new Promise<HttpAnswer>((resolve, reject) => {
      const req = request(
        target,
        { method: options.method ?? 'GET', headers: options.headers, agent: options.agent, signal },
        (response) =>
          void readBody(response, options.maxBodyBytes).then(
            (body) => resolve({ status: response.statusCode ?? 0, body }),
            reject,
          ),
      );
      req.on('error', reject);
      req.end(options.body);
    });
  } catch (error) {
    // Aborting says only "aborted"; the signal's reason is the TimeoutError callers look for.
    throw signal.aborted ? signal.reason : error;
  }
}

async function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (size >= maxBytes) break; // leaving the loop destroys the response unread
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/**
 * A keep-alive agent whose connections come from `connect` (a channel through
 * an SSH connection): http.Agent pools it as a Socket, calling the methods
 * below, which a channel lacks. The idle-out (the agent's `timeout`, armed
 * when a connection goes back to the pool) is a timer of our own.
 */
export function agentOver<A extends Agent>(agent: A, connect: () => Promise<Duplex>): A {
  const createConnection = (
    _options: unknown,
    callback: (error: Error | null, stream?: Duplex) => void,
  ) => {
    connect().then((stream) => callback(null, socketLike(stream)), callback);
  };
  return Object.assign(agent, { createConnection });
}

function socketLike(stream: Duplex): Duplex {
  let idle: NodeJS.Timeout | undefined;
  stream.once('close', () => clearTimeout(idle));
  const self = () => stream;
  return Object.assign(stream, {
    setKeepAlive: self,
    setNoDelay: self,
    ref: self,
    unref: self,
    setTimeout(ms: number) {
      clearTimeout(idle);
      if (ms > 0) idle = setTimeout(() => stream.emit('timeout'), ms).unref();
      return stream;
    },
  });
}
