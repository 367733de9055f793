/**
 * Debian's nginx (/usr/sbin/nginx) with its own config, pid file and logs
 * under one directory, terminating TLS on a loopback port in front of an
 * HTTP upstream: the reverse proxy of a production-like host.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { accepts, freePort, waitFor } from './sshd.js';

const NGINX = '/usr/sbin/nginx';

export interface NginxOptions {
  /** Holds nginx.conf, the logs and temp dirs; must exist. */
  dir: string;
  /** Where its pid goes (a service manager reads it). */
  pidFile: string;
  cert: string;
  key: string;
  /** The app's plain HTTP port on 127.0.0.1. */
  upstreamPort: number;
}

export interface Nginx {
  port: number;
  stop(): Promise<void>;
}

export async function startNginx(options: NginxOptions): Promise<Nginx> {
  // A free port may be taken before nginx binds it: retried on a fresh one.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await launch(options, await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function config({ dir, pidFile, cert, key, upstreamPort }: NginxOptions, port: number): string {
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${pidFile};`,
    `error_log ${join(dir, 'error.log')} notice;`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    // Debian's compiled-in temp paths are under /var/lib/nginx: kept out of it.
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (t) => `  ${t}_temp_path ${join(dir, 'tmp', t)};`,
    ),
    '  server {',
    `    listen 127.0.0.1:${port} ssl;`,
    '    server_name localhost;',
    `    ssl_certificate ${cert};`,
    `    ssl_certificate_key ${key};`,
    '    location / {',
    `      proxy_pass http://127.0.0.1:${upstreamPort};`,
    '      proxy_set_header Host $host;',
    '      proxy_set_header X-Forwarded-Proto https;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

async function launch(options: NginxOptions, port: number): Promise<Nginx> {
  const { dir, pidFile } = options;
  const file = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  writeFileSync(file, config(options, port));
  // -e: the error log before the config is read (the compiled-in one is /var/log/nginx).
  const child = spawn(NGINX, ['-p', dir, '-e', errorLog, '-c', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child
    .stderr!.setEncoding('utf8')
    .on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    // Fast shutdown: an idle keep-alive client must not hold it up.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(
            `nginx exited (${child.exitCode}): ${stderr}${readFileSync(errorLog, 'utf8').slice(-2000)}`,
          );
        return (await accepts(port)) && isFile(pidFile);
      },
      15_000,
      `nginx to listen on ${port}`,
    );
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return { port, stop };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** One GET over HTTPS, the certificate verified against `ca` only. */
export function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (c: string) => (body += c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request
      .on('error', reject)
      .on('timeout', () => request.destroy(new Error(`no answer from ${url} within 10 s`)));
  });
}
