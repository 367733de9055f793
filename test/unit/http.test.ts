import { Agent, createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentOver, httpRequest } from '../../src/util/http.js';
import { waitFor } from '../helpers/wait.js';

/** A real server: /endless never stops sending, /silent never answers, anything else says which connection. */
let server: Server;
let base = '';
const connections: Socket[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/silent') return;
    if (req.url === '/endless') {
      const chunk = Buffer.alloc(65_536, 'x');
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      return more();
    }
    res.end(`connection ${connections.indexOf(req.socket)}`);
  });
  server.on('connection', (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpRequest', () => {
  it('keeps at most maxBodyBytes of a body and stops reading there', async () => {
    const answer = await httpRequest(`${base}/endless`, { timeoutMs: 5000, maxBodyBytes: 4096 });
    expect(answer).toEqual({ status: 200, body: 'x'.repeat(4096) });
  });

  it('gives up after timeoutMs with a TimeoutError', async () => {
    const error = await httpRequest(`${base}/silent`, { timeoutMs: 100, maxBodyBytes: 10 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });

  it('pools connections that are no Socket (an SSH channel) and idles them out', async () => {
    let opened = 0;
    const streams: Duplex[] = [];
    const port = Number(new URL(base).port);
    // A Duplex with none of a Socket's own methods, as ssh2's channel is.
    const channel = () => {
      opened++;
      const socket = connect(port, '127.0.0.1');
      const stream = Duplex.from({ readable: socket, writable: socket });
      streams.push(stream);
      return Promise.resolve(stream);
    };
    const agent = agentOver(new Agent({ keepAlive: true, timeout: 300 }), channel);
    const first = await httpRequest(`${base}/`, { agent, timeoutMs: 5000, maxBodyBytes: 100 });
    const second = await httpRequest(`${base}/`, { agent, timeoutMs: 5000, maxBodyBytes: 100 });
    expect(second.body).toBe(first.body);
    expect(opened).toBe(1);
    await waitFor(() => streams[0]!.destroyed, 5000);
    agent.destroy();
  });
});
