/**
 * A production-like host for integration tests, built as root the way issue
 * 10 found production: an operator login that is not the app user, the app's
 * tree owned by the app user and closed to everyone else (0750, `.env` 0600,
 * a different `.env.new`), root only through the fragment `cvd-tui sudoers`
 * prints (checked by visudo), a systemctl stand-in at a system path that
 * runs the app as the app user, Debian's nginx terminating TLS in front of
 * the app, and an sshd that lets only the operator in, by key.
 *
 * Everything it makes (users, the sudoers file, processes, temp dirs) is
 * undone by `cleanup`, also after a half-finished build.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoTarget, stopDemoService } from '../../src/demo/build.js';
import { demoLayout, type DemoLayout } from '../../src/demo/layout.js';
import { startCli, type CliResult } from './cli.js';
import { startSshd, waitFor, type SshdHandle, type SshdOptions } from './sshd.js';

const CVDCTL_TEMPLATE = fileURLToPath(new URL('./prodhost-cvdctl.sh', import.meta.url));
const NGINX = '/usr/sbin/nginx';

export interface ProdHostOptions {
  /** More sshd_config lines (e.g. `AllowTcpForwarding no`). */
  sshdConfig?: string[];
}

export interface ProdHost {
  /** Unique per build: users, the sudoers file and the service command carry it. */
  id: string;
  appUser: string;
  operator: string;
  /** The app's tree, laid out like /opt/cvd. */
  layout: DemoLayout;
  /** The systemctl stand-in, root-owned, e.g. /usr/local/sbin/cvdctl-<id>. */
  serviceCtl: string;
  serviceUnitPath: string;
  /** The CA file (world-readable) that verifies nginx's certificate. */
  caFile: string;
  /** https://localhost:PORT, served by nginx. */
  publicUrl: string;
  appPort: number;
  sshd: SshdHandle;
  /** The jump host's side, the operator's own (as a local account too): config, state, key. */
  configPath: string;
  statePath: string;
  /** `--config … --state …` */
  flags: string[];
  /** The fragment `cvd-tui sudoers` printed, as installed. */
  fragment: string;
  sudoersFile: string;
  /** Installs the fragment without the lines `drop` matches (visudo-checked); `installSudoers()` puts it all back. */
  installSudoers(drop?: (line: string) => boolean): void;
  /** Runs the built CLI as the operator against this host (another config file: the same target, changed). */
  cli(args: string[], config?: string): Promise<CliResult>;
  /** A copy of the config with `change` applied to the target; returns its path. */
  configWith(change: (target: Record<string, unknown>) => void): string;
  /** Writes a file in the app's tree as the app user would have (owner, mode). */
  writeAppFile(file: string, text: string, mode: number): void;
  /** A digest of the live database's `.dump`, read-only. */
  dbDigest(): string;
  /** GET through nginx, verified against caFile. */
  publicGet(path: string): Promise<{ status: number; body: string }>;
  cleanup(): Promise<void>;
}

/** Runs a program as root (the harness); throws with its stderr. */
const run = (file: string, args: string[], input?: string): string =>
  execFileSync(file, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

export async function buildProdHost(options: ProdHostOptions = {}): Promise<ProdHost> {
  if (process.getuid?.() !== 0) throw new Error('the production-like host is built as root (CI)');
  const id = randomBytes(3).toString('hex');
  const undo: (() => void | Promise<void>)[] = [];
  const cleanup = async () => {
    const errors: unknown[] = [];
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    undo.length = 0;
    if (errors.length) throw new AggregateError(errors, 'production-like host cleanup failed');
  };
  try {
    return await build(id, options, undo, cleanup);
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

async function build(
  id: string,
  options: ProdHostOptions,
  undo: (() => void | Promise<void>)[],
  cleanup: () => Promise<void>,
): Promise<ProdHost> {
  const base = mkdtempSync(join(tmpdir(), `cvd-prod-${id}-`));
  undo.push(() => rmSync(base, { recursive: true, force: true }));
  // Others must reach the tree's root and /usr-like system dir, as on a real host.
  chmodSync(base, 0o755);
  const system = join(base, 'system');
  const jump = join(base, 'jump');
  mkdirSync(join(system, 'run'), { recursive: true, mode: 0o755 });
  mkdirSync(join(system, 'nginx', 'tmp'), { recursive: true, mode: 0o755 });
  mkdirSync(jump, { mode: 0o700 });
  mkdirSync(join(base, 'home'), { mode: 0o755 });

  const appUser = `cvda${id}`;
  const operator = `cvdo${id}`;
  addUser(
    appUser,
    ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin'],
    undo,
  );
  addUser(
    operator,
    ['--create-home', '--home-dir', join(base, 'home', operator), '--shell', '/bin/bash'],
    undo,
  );
  // Not locked ('!'), and no password either: sshd without PAM refuses locked accounts.
  run('usermod', ['-p', '*', operator]);

  // The demo builder makes the app, its git origin with the release tags, the
  // database and its nightly backup, .env and the certificate; it starts the app as root,
  // which is stopped before the tree is handed to the app user.
  const root = join(base, 'opt', 'cvd');
  const demo = await buildDemoTarget(root);
  undo.push(() => stopDemoService(root));
  await stopDemoService(root);
  const layout = demoLayout(root);
  const demoConfig = JSON.parse(readFileSync(demo.configPath, 'utf8'));
  // What stood in for systemd and /etc in the demo lives outside the tree here.
  for (const leftover of [layout.bin, layout.etc, layout.run, layout.configFile])
    rmSync(leftover, { recursive: true, force: true });

  const serviceUnitPath = join(system, 'cvd.service');
  const unit = readFileSync(
    join(fileURLToPath(new URL('../../assets/demo-app/cvd.service', import.meta.url))),
    'utf8',
  );
  writeFileSync(
    serviceUnitPath,
    unit
      .replaceAll('@@CVD_HOME@@', root)
      .replaceAll('@@NODE@@', process.execPath)
      .replaceAll('@@APP_USER@@', appUser),
    { mode: 0o644 },
  );
  const caFile = join(system, 'tls-cert.pem');
  const tlsKey = join(system, 'tls-key.pem');
  copyFileSync(layout.cert, caFile);
  chmodSync(caFile, 0o644);
  copyFileSync(layout.key, tlsKey);
  chmodSync(tlsKey, 0o600);

  writeFileSync(
    `${layout.env}.new`,
    `${readFileSync(layout.env, 'utf8')}# 2.4 installs this\nCVD_RELEASE_CHANNEL=stable\n`,
    { mode: 0o600 },
  );
  handToAppUser(root, appUser);

  const serviceCtl = `/usr/local/sbin/cvdctl-${id}`;
  const nginxPidFile = join(system, 'nginx', 'nginx.pid');
  writeFileSync(
    serviceCtl,
    fill(readFileSync(CVDCTL_TEMPLATE, 'utf8'), {
      APP_USER: appUser,
      CVD_HOME: root,
      NODE: process.execPath,
      RUN: join(system, 'run'),
      UNIT_FILE: serviceUnitPath,
      NGINX_PID_FILE: nginxPidFile,
    }),
    { mode: 0o755 },
  );
  undo.push(() => rmSync(serviceCtl, { force: true }));
  undo.push(() => void run(serviceCtl, ['stop', 'cvd']));
  run(serviceCtl, ['start', 'cvd']);
  await waitFor(
    async () => (await status(`http://127.0.0.1:${demo.appPort}/health`)) === 200,
    20_000,
    'the app to answer as the app user',
  );

  const nginx = await startNginx(join(system, 'nginx'), nginxPidFile, caFile, tlsKey, demo.appPort);
  undo.push(() => nginx.stop());
  const publicUrl = `https://localhost:${nginx.port}`;

  const sshdOptions: SshdOptions = {
    loginUser: operator,
    config: [
      ...(options.sshdConfig ?? []),
      'PermitRootLogin no',
      `AllowUsers ${operator}`,
      'PubkeyAuthentication yes',
    ],
  };
  const sshd = await startSshd(sshdOptions);
  undo.push(() => sshd.stop());

  // The CLI runs as the operator on the jump host too: nothing of root's is needed there.
  const privateKeyPath = join(jump, 'id_ed25519');
  const knownHostsPath = join(jump, 'known_hosts');
  copyFileSync(sshd.privateKeyPath, privateKeyPath);
  copyFileSync(sshd.knownHostsPath, knownHostsPath);
  const configPath = join(jump, 'cvd-tui.json');
  const statePath = join(jump, 'state.db');
  const demoTarget = demoConfig.targets.demo;
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        defaultTarget: 'prod',
        targets: {
          prod: {
            ...demoTarget,
            transport: 'ssh',
            host: sshd.host,
            port: sshd.port,
            username: operator,
            privateKeyPath,
            knownHostsPath,
            sshConfigPath: '',
            appUser,
            useSudo: true,
            serviceCtl,
            serviceUnitPath,
            proxyService: 'nginx',
            publicUrl,
            caFile,
          },
        },
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  run('chown', ['-R', `${operator}:${operator}`, jump]);
  const flags = ['--config', configPath, '--state', statePath];
  const home = join(base, 'home', operator);
  const cli = (args: string[], config = configPath) =>
    startCli(
      [...args, '--config', config, '--state', statePath],
      { HOME: home, USER: operator, LOGNAME: operator },
      undefined,
      operator,
    ).done;
  let copies = 0;
  const configWith = (change: (target: Record<string, unknown>) => void) => {
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    change(config.targets.prod);
    const file = join(jump, `cvd-tui-${++copies}.json`);
    writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
    run('chown', [operator, file]);
    return file;
  };

  const printed = await cli(['sudoers']);
  if (printed.code !== 0)
    throw new Error(`cvd-tui sudoers failed (${printed.code}): ${printed.stderr}`);
  const fragment = printed.stdout;
  // sudo ignores /etc/sudoers.d files whose name holds a dot.
  const sudoersFile = `/etc/sudoers.d/cvd-test-${id}`;
  undo.push(() => rmSync(sudoersFile, { force: true }));
  const installSudoers = (drop: (line: string) => boolean = () => false) => {
    const text = fragment
      .split('\n')
      .filter((line) => !drop(line))
      .join('\n');
    const staged = join(base, 'sudoers-staged');
    writeFileSync(staged, text, { mode: 0o440 });
    // A fragment sudo cannot parse would break sudo for every user: never installed unchecked.
    run('visudo', ['-cf', staged]);
    run('install', ['-m', '0440', '-o', 'root', '-g', 'root', staged, sudoersFile]);
  };
  installSudoers();

  return {
    id,
    appUser,
    operator,
    layout,
    serviceCtl,
    serviceUnitPath,
    caFile,
    publicUrl,
    appPort: demo.appPort,
    sshd,
    configPath,
    statePath,
    flags,
    fragment,
    sudoersFile,
    installSudoers,
    cli,
    configWith,
    writeAppFile: (file, text, mode) => {
      writeFileSync(file, text, { mode });
      chmodSync(file, mode);
      run('chown', [`${appUser}:${appUser}`, file]);
    },
    dbDigest: () =>
      run('bash', ['-c', 'sqlite3 -readonly "$1" .dump | sha256sum', '_', layout.database]).split(
        ' ',
      )[0]!,
    publicGet: (path) => httpsGet(`${publicUrl}${path}`, readFileSync(caFile)),
    cleanup,
  };
}

function addUser(name: string, args: string[], undo: (() => void | Promise<void>)[]): void {
  run('useradd', [...args, '--user-group', name]);
  undo.push(() => removeUser(name));
}

/** Ends what the user still runs (each by pid: they are this test's), then removes the user and its group. */
function removeUser(name: string): void {
  const uid = run('id', ['-u', name]).trim();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (String(statSync(`/proc/${pid}`).uid) === uid) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  run('userdel', [name]);
}

/** The tree as production has it: the app user's, closed to others; secrets 0600. */
function handToAppUser(root: string, appUser: string): void {
  run('chown', ['-R', `${appUser}:${appUser}`, root]);
  run('find', [root, '-type', 'd', '-exec', 'chmod', '0750', '{}', '+']);
  run('find', [root, '-type', 'f', '-exec', 'chmod', 'o-rwx', '{}', '+']);
  for (const secret of ['.env', '.env.new', 'tls/key.pem'])
    chmodSync(join(root, 'config', secret), 0o600);
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/@@([A-Z_]+)@@/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) return whole;
    // Values are paths and names this file makes; quoted all the same.
    return `'${value.replaceAll("'", `'\\''`)}'`;
  });

interface Nginx {
  port: number;
  stop(): Promise<void>;
}

/**
 * Debian's nginx with its own config, pid file and logs under `dir`,
 * terminating TLS on a loopback port and proxying to the app.
 */
async function startNginx(
  dir: string,
  pidFile: string,
  cert: string,
  key: string,
  appPort: number,
): Promise<Nginx> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      return await launchNginx(dir, pidFile, cert, key, appPort, port);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function launchNginx(
  dir: string,
  pidFile: string,
  cert: string,
  key: string,
  appPort: number,
  port: number,
): Promise<Nginx> {
  const tmp = join(dir, 'tmp');
  const config = join(dir, 'nginx.conf');
  writeFileSync(
    config,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${pidFile};`,
      `error_log ${join(dir, 'error.log')} notice;`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${tmp}/${t};`,
      ),
      '  server {',
      `    listen 127.0.0.1:${port} ssl;`,
      '    server_name localhost;',
      `    ssl_certificate ${cert};`,
      `    ssl_certificate_key ${key};`,
      '    location / {',
      `      proxy_pass http://127.0.0.1:${appPort};`,
      '      proxy_set_header Host $host;',
      '      proxy_set_header X-Forwarded-Proto https;',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child
    .stderr!.setEncoding('utf8')
    .on('data', (chunk: string) => (log = (log + chunk).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // fast shutdown: an idle keep-alive client must not hold it up
    await exited;
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) {
          const errors = readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000);
          throw new Error(`nginx exited (${child.exitCode}): ${log}${errors}`);
        }
        return (await accepts(port)) && isFile(pidFile);
      },
      15_000,
      `nginx to listen on ${port}`,
    );
  } catch (error) {
    await stop().catch(() => undefined);
    child.kill('SIGKILL');
    throw error;
  }
  return { port, stop };
}

export const isFile = (file: string) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function status(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return undefined;
  }
}

async function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, timeout: 10_000 }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (c: string) => (body += c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject)
      .on('timeout', function (this: { destroy(e: Error): void }) {
        this.destroy(new Error(`no answer from ${url} within 10 s`));
      });
  });
}
