// The CVD demo app: a stand-in for the production service that cvd-tui deploys.
// Node built-ins only, so that `git checkout <tag>` is the whole install; the
// database is read through the sqlite3 CLI, as on the real server.
import { execFile } from 'node:child_process';
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP_DIR = dirname(fileURLToPath(import.meta.url));
const HOME = process.env.CVD_HOME || resolve(APP_DIR, '..');
// Settings come from config/.env only, not the caller's environment: whoever
// ran `cvdctl start` may have PORT set for something else.
const env = readEnv(join(HOME, 'config', '.env'));
const VERSION = readFileSync(join(APP_DIR, 'VERSION'), 'utf8').trim();
const APP = JSON.parse(readFileSync(join(APP_DIR, 'app.json'), 'utf8'));
const DB = env.DATABASE_PATH || join(HOME, 'data', 'cvd.db');
const LOGS = env.LOG_DIR || join(HOME, 'logs');
const STARTED = Date.now();
// A knob for tests of post-deployment monitoring: every answer is this late,
// as an overloaded app's would be.
const RESPONSE_DELAY_MS = Number(env.CVD_DEMO_RESPONSE_DELAY_MS) || 0;
// A knob for tests of hostile health bodies: while config/demo-health-status
// exists, /health/detailed reports its content, byte for byte, as `status`.
// Read at every request, so a test can turn it on and off on a running app.
const HEALTH_STATUS_FILE = join(HOME, 'config', 'demo-health-status');
const statusOverride = () => {
  try {
    return readFileSync(HEALTH_STATUS_FILE, 'utf8');
  } catch {
    return undefined;
  }
};

function readEnv(file) {
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

const log = (file, line) => appendFileSync(join(LOGS, file), `${line}\n`);
const error = (message) => log('error.log', `${new Date().toISOString()} ERROR ${message}`);
const info = (message) => console.log(`${new Date().toISOString()} INFO ${message}`);

// -readonly: every query here is a read, and it keeps a missing database file
// from being silently re-created empty.
function query(sql) {
  const args = ['-json', '-readonly', '-cmd', '.timeout 5000', DB, sql];
  return new Promise((done, fail) =>
    execFile(env.SQLITE3 || 'sqlite3', args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error((stderr || err.message).trim()));
      else done(stdout.trim() ? JSON.parse(stdout) : []);
    }),
  );
}

async function checkDatabase() {
  try {
    return { ok: true, result: await query(APP.dbCheckQuery) };
  } catch (e) {
    error(`database check failed: ${e.message}`);
    return { ok: false, error: e.message };
  }
}

const sha256 = (text) => createHash('sha256').update(text).digest();
async function login(body) {
  let creds;
  try {
    creds = JSON.parse(body);
  } catch {
    return [400, { error: 'body must be JSON {"username", "password"}' }];
  }
  const { username, password } = creds ?? {};
  if (typeof username !== 'string' || typeof password !== 'string')
    return [400, { error: 'username and password required' }];
  const users = await query('SELECT username, password_sha256 FROM users');
  const user = users.find((u) => u.username === username);
  const ok = user && timingSafeEqual(Buffer.from(user.password_sha256, 'hex'), sha256(password));
  if (!ok) return [401, { error: 'invalid credentials' }];
  return [200, { token: randomBytes(24).toString('hex'), username }];
}

const HTML = `<!doctype html><html><head><title>CVD</title><link rel="manifest" href="/manifest.json"></head>
<body><h1>CVD</h1><p>Vision Device Configuration (demo) ${VERSION}</p></body></html>\n`;
const MANIFEST = { name: 'CVD', short_name: 'CVD', start_url: '/', display: 'standalone' };
const WORKER = "self.addEventListener('install', () => self.skipWaiting());\n";

async function route(method, path, body) {
  const get = method === 'GET' || method === 'HEAD';
  if (path === '/api/auth/login')
    return method === 'POST' ? login(body) : [405, { error: 'use POST' }];
  if (!get) return [405, { error: 'method not allowed' }];
  switch (path) {
    case '/health':
      return [200, { status: 'ok', version: VERSION }];
    case '/health/detailed': {
      const db = await checkDatabase();
      const uptimeSeconds = Math.round((Date.now() - STARTED) / 1000);
      const status = statusOverride() ?? (db.ok ? 'healthy' : 'degraded');
      return [
        200,
        {
          status,
          version: VERSION,
          database: db.ok ? 'ok' : 'error',
          uptimeSeconds,
          pid: process.pid,
        },
      ];
    }
    case '/health/database': {
      const db = await checkDatabase();
      return db.ok
        ? [200, { status: 'ok', database: 'ok', result: db.result }]
        : [500, { status: 'error', database: 'error', error: db.error }];
    }
    case '/api/devices':
      return [200, await query('SELECT * FROM devices ORDER BY id')];
    case '/api/planograms':
      return [200, await query(APP.planogramsQuery)];
    case '/':
      return [200, HTML, 'text/html; charset=utf-8'];
    case '/manifest.json':
      return [200, MANIFEST, 'application/manifest+json'];
    case '/service-worker.js':
      return [200, WORKER, 'text/javascript'];
    default:
      return [404, { error: 'not found' }];
  }
}

function handler(scheme) {
  return (req, res) => {
    const began = Date.now();
    let body = '';
    req.setEncoding('utf8').on('data', (chunk) => (body = (body + chunk).slice(0, 65_536)));
    req.on('end', async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      let status, payload, type;
      try {
        [status, payload, type] = await route(req.method, path, body);
      } catch (e) {
        error(`${req.method} ${path}: ${e.message}`);
        [status, payload] = [500, { error: 'internal error' }];
      }
      if (RESPONSE_DELAY_MS) await new Promise((done) => setTimeout(done, RESPONSE_DELAY_MS));
      const text = typeof payload === 'string' ? payload : `${JSON.stringify(payload)}\n`;
      res.writeHead(status, { 'content-type': type ?? 'application/json' }).end(text);
      const line = `${req.socket.remoteAddress} ${scheme} "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${Buffer.byteLength(text)} ${Date.now() - began}ms`;
      log('access.log', `${new Date().toISOString()} ${line}`);
    });
  };
}

const servers = [];
function listen(server, port, name) {
  servers.push(server);
  return new Promise((done, fail) =>
    server.once('error', fail).listen(Number(port), '127.0.0.1', done),
  ).then(() => info(`${name} listening on 127.0.0.1:${port}`));
}

function shutdown(signal) {
  info(`${signal}: shutting down`);
  const closing = servers.map((s) => new Promise((done) => s.close(done).closeAllConnections()));
  Promise.all(closing).then(() => process.exit(0));
}
process.on('SIGTERM', shutdown).on('SIGINT', shutdown);

try {
  // A knob for tests of slow starts: the process is up (cvdctl says active)
  // long before it answers, as a real app warming caches would be.
  await new Promise((done) => setTimeout(done, Number(env.CVD_DEMO_START_DELAY_MS) || 0));
  if (env.HTTPS_PORT) {
    const tls = {
      cert: readFileSync(env.TLS_CERT || join(HOME, 'config/tls/cert.pem')),
      key: readFileSync(env.TLS_KEY || join(HOME, 'config/tls/key.pem')),
    };
    await listen(https.createServer(tls, handler('https')), env.HTTPS_PORT, 'https');
  }
  // HTTP last: once /health answers over HTTP, HTTPS is already up.
  await listen(http.createServer(handler('http')), env.PORT || 5000, 'http');
  info(`CVD ${VERSION} started (pid ${process.pid})`);
} catch (e) {
  error(`startup failed: ${e.message}`);
  process.exit(1);
}
