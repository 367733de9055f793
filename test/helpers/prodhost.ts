/**
 * A production-like host for integration tests, built as root the way issue
 * 10 found production: an operator login that is not the app user, the app's
 * tree owned by the app user and closed to everyone else (0750, `.env` 0600,
 * a different `.env.new`), root only through the fragment `cvd-tui sudoers`
 * prints (checked by visudo), a systemctl stand-in at a system path that
 * runs the app as the app user, Debian's nginx terminating TLS in front of
 * the app, and an sshd that lets only the operator in, by key. The CLI runs
 * as the operator on the jump host as well.
 *
 * Everything it makes (users, the sudoers file, processes, temp dirs) is
 * undone by `cleanup`, also after a half-finished build.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoTarget, stopDemoService } from '../../src/demo/build.js';
import { demoLayout, type DemoLayout } from '../../src/demo/layout.js';
import { startCli, type CliResult } from './cli.js';
import { httpsGet, startNginx } from './nginx.js';
import { startSshd, waitFor, type SshdHandle } from './sshd.js';
import { addUser } from './users.js';

const asset = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const CVDCTL_TEMPLATE = asset('./prodhost-cvdctl.sh');
const UNIT_TEMPLATE = asset('../../assets/demo-app/cvd.service');

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
  /** The systemctl stand-in, root-owned: /usr/local/sbin/cvdctl-<id>. */
  serviceCtl: string;
  serviceUnitPath: string;
  sshd: SshdHandle;
  /** The fragment `cvd-tui sudoers` printed, as installed. */
  fragment: string;
  /**
   * Installs the fragment without the lines `drop` matches, after `before`
   * (sudoers: the last match wins; /etc/sudoers comes before sudoers.d);
   * visudo-checked. No arguments: the fragment as printed.
   */
  installSudoers(drop?: (line: string) => boolean, before?: string[]): void;
  /** Runs the built CLI as the operator (another config file: the same target, changed). */
  cli(args: string[], config?: string): Promise<CliResult>;
  /** A copy of the config with `change` applied to the target; returns its path. */
  configWith(change: (target: Record<string, unknown>) => void): string;
  /** Writes a file in the app's tree as the app user would have it (owner, mode). */
  writeAppFile(file: string, text: string, mode: number): void;
  /** A digest of the live database's `.dump`, read-only. */
  dbDigest(): string;
  /** GET through nginx, verified against the target's caFile. */
  publicGet(path: string): Promise<{ status: number; body: string }>;
  cleanup(): Promise<void>;
}

/** Runs a program as root (the harness); throws with its stderr. */
const run = (file: string, args: string[]): string =>
  execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

type Undo = () => void | Promise<void>;

export async function buildProdHost(options: ProdHostOptions = {}): Promise<ProdHost> {
  if (process.getuid?.() !== 0) throw new Error('the production-like host is built as root (CI)');
  const undo: Undo[] = [];
  const cleanup = async () => {
    const errors: unknown[] = [];
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'production-like host cleanup failed');
  };
  try {
    return { ...(await build(randomBytes(3).toString('hex'), options, undo)), cleanup };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

async function build(
  id: string,
  options: ProdHostOptions,
  undo: Undo[],
): Promise<Omit<ProdHost, 'cleanup'>> {
  const base = mkdtempSync(join(tmpdir(), `cvd-prod-${id}-`));
  undo.push(() => rmSync(base, { recursive: true, force: true }));
  // Everyone may pass through, as through / and /opt; what is closed is closed below.
  chmodSync(base, 0o755);
  const system = join(base, 'system'); // root's: /etc, /run, /usr/local/sbin of the host
  const jump = join(base, 'jump'); // the operator's, on the jump host
  const home = join(base, 'home');
  for (const dir of [join(system, 'run'), join(system, 'nginx', 'tmp'), home])
    mkdirSync(dir, { recursive: true, mode: 0o755 });

  const appUser = `cvda${id}`;
  const operator = `cvdo${id}`;
  undo.push(
    addUser(appUser, ['--system', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin']),
  );
  undo.push(
    addUser(operator, [
      '--create-home',
      '--home-dir',
      join(home, operator),
      '--shell',
      '/bin/bash',
    ]),
  );
  // Not locked ('!'), and no password either: sshd without PAM refuses locked accounts.
  run('usermod', ['-p', '*', operator]);

  const tree = await buildTree(join(base, 'opt', 'cvd'), system, appUser, undo);
  const serviceCtl = `/usr/local/sbin/cvdctl-${id}`;
  const nginxPid = join(system, 'nginx', 'nginx.pid');
  installServiceCtl(serviceCtl, {
    APP_USER: appUser,
    CVD_HOME: tree.layout.root,
    NODE: process.execPath,
    RUN: join(system, 'run'),
    UNIT_FILE: tree.serviceUnitPath,
    NGINX_PID_FILE: nginxPid,
  });
  undo.push(() => rmSync(serviceCtl, { force: true }));
  undo.push(() => void run(serviceCtl, ['stop', 'cvd']));
  run(serviceCtl, ['start', 'cvd']);
  await waitFor(
    async () => (await httpStatus(`http://127.0.0.1:${tree.appPort}/health`)) === 200,
    20_000,
    'the app to answer, run as the app user',
  );

  const nginx = await startNginx({
    dir: join(system, 'nginx'),
    pidFile: nginxPid,
    cert: tree.caFile,
    key: tree.tlsKey,
    upstreamPort: tree.appPort,
  });
  undo.push(() => nginx.stop());
  const publicUrl = `https://localhost:${nginx.port}`;

  const sshd = await startSshd({
    loginUser: operator,
    config: [...(options.sshdConfig ?? []), 'PermitRootLogin no', `AllowUsers ${operator}`],
  });
  undo.push(() => sshd.stop());

  const { cli, configWith } = jumpHost(jump, join(home, operator), operator, {
    ...tree.demoTarget,
    transport: 'ssh',
    host: sshd.host,
    port: sshd.port,
    username: operator,
    privateKeyPath: sshd.privateKeyPath,
    knownHostsPath: sshd.knownHostsPath,
    sshConfigPath: '',
    appUser,
    useSudo: true,
    serviceCtl,
    serviceUnitPath: tree.serviceUnitPath,
    proxyService: 'nginx',
    publicUrl,
    caFile: tree.caFile,
  });

  const printed = await cli(['sudoers']);
  if (printed.code !== 0)
    throw new Error(`cvd-tui sudoers failed (${printed.code}): ${printed.stderr}`);
  const fragment = printed.stdout;
  // sudo ignores /etc/sudoers.d files whose name holds a dot.
  const sudoersFile = `/etc/sudoers.d/cvd-test-${id}`;
  undo.push(() => rmSync(sudoersFile, { force: true }));
  const installSudoers = (drop: (line: string) => boolean = () => false, before: string[] = []) => {
    const staged = join(system, 'sudoers-staged');
    const lines = fragment.split('\n').filter((line) => line && !drop(line));
    writeFileSync(staged, [...before, ...lines, ''].join('\n'));
    // A file sudo cannot parse would break sudo for every user: never installed unchecked.
    run('visudo', ['-cf', staged]);
    run('install', ['-m', '0440', '-o', 'root', '-g', 'root', staged, sudoersFile]);
  };
  installSudoers();

  const { layout } = tree;
  return {
    id,
    appUser,
    operator,
    layout,
    serviceCtl,
    serviceUnitPath: tree.serviceUnitPath,
    sshd,
    fragment,
    installSudoers,
    cli,
    configWith,
    writeAppFile: (file, text, mode) => {
      writeFileSync(file, text);
      chmodSync(file, mode);
      run('chown', [`${appUser}:${appUser}`, file]);
    },
    dbDigest: () =>
      run('bash', ['-c', 'sqlite3 -readonly "$1" .dump | sha256sum', '_', layout.database]).split(
        ' ',
      )[0]!,
    publicGet: (path) => httpsGet(`${publicUrl}${path}`, readFileSync(tree.caFile)),
  };
}

/**
 * The jump host, the operator's: their own copy of the key and known_hosts,
 * the config and the state database, and the CLI run as them. Nothing of
 * root's is needed there.
 */
function jumpHost(
  dir: string,
  home: string,
  operator: string,
  target: Record<string, unknown>,
): Pick<ProdHost, 'cli' | 'configWith'> {
  mkdirSync(dir, { mode: 0o700 });
  const own = { ...target };
  // The jump host's own files: the key, known hosts, and the demo's 3.3 password command
  // (a local command, which the operator cannot run from inside the app user's tree).
  for (const key of ['privateKeyPath', 'knownHostsPath', 'testPasswordCommand'] as const) {
    own[key] = join(dir, basename(target[key] as string));
    copyFileSync(target[key] as string, own[key] as string);
  }
  chmodSync(own.testPasswordCommand as string, 0o700);
  const writeConfig = (file: string, prod: Record<string, unknown>) =>
    writeFileSync(file, JSON.stringify({ defaultTarget: 'prod', targets: { prod } }, null, 2), {
      mode: 0o600,
    });
  const configPath = join(dir, 'cvd-tui.json');
  writeConfig(configPath, own);
  run('chown', ['-R', `${operator}:${operator}`, dir]);
  let copies = 0;
  return {
    configWith: (change) => {
      const changed = structuredClone(own);
      change(changed);
      const file = join(dir, `cvd-tui-${++copies}.json`);
      writeConfig(file, changed);
      run('chown', [`${operator}:${operator}`, file]);
      return file;
    },
    cli: (args, config = configPath) =>
      startCli(
        [...args, '--config', config, '--state', join(dir, 'state.db')],
        { HOME: home, USER: operator, LOGNAME: operator },
        undefined,
        operator,
      ).done,
  };
}

interface Tree {
  layout: DemoLayout;
  /** The demo's target settings (paths, appUrl, installCommand, …) to start the config from. */
  demoTarget: Record<string, unknown>;
  appPort: number;
  serviceUnitPath: string;
  /** nginx's certificate, world-readable outside the tree: the target's caFile. */
  caFile: string;
  tlsKey: string;
}

/**
 * The demo builder makes the app, its git origin with the release tags, the
 * database with its nightly backup, .env and a certificate, and starts the
 * app as root: it is stopped, and the tree handed to the app user.
 */
async function buildTree(
  root: string,
  system: string,
  appUser: string,
  undo: Undo[],
): Promise<Tree> {
  const demo = await buildDemoTarget(root);
  undo.push(() => stopDemoService(root));
  await stopDemoService(root);
  const layout = demoLayout(root);
  const demoTarget = JSON.parse(readFileSync(demo.configPath, 'utf8')).targets.demo;
  // The demo's 3.3 password command runs on the jump host: kept, outside the tree.
  const passwordCommand = join(system, 'test-password');
  copyFileSync(layout.testPassword, passwordCommand);
  demoTarget.testPasswordCommand = passwordCommand;
  // What stood in for systemd and /etc in the demo lives outside the tree here.
  for (const leftover of [layout.bin, layout.etc, layout.run, layout.configFile])
    rmSync(leftover, { recursive: true, force: true });

  const serviceUnitPath = join(system, 'cvd.service');
  const unit = readFileSync(UNIT_TEMPLATE, 'utf8')
    .replaceAll('@@CVD_HOME@@', root)
    .replaceAll('@@NODE@@', process.execPath)
    .replaceAll('@@APP_USER@@', appUser);
  writeFileSync(serviceUnitPath, unit, { mode: 0o644 });
  const caFile = join(system, 'tls-cert.pem');
  const tlsKey = join(system, 'tls-key.pem');
  copyFileSync(layout.cert, caFile);
  chmodSync(caFile, 0o644);
  copyFileSync(layout.key, tlsKey);
  chmodSync(tlsKey, 0o600);

  writeFileSync(
    `${layout.env}.new`,
    `${readFileSync(layout.env, 'utf8')}# 2.4 installs this\nCVD_RELEASE_CHANNEL=stable\n`,
  );
  run('chown', ['-R', `${appUser}:${appUser}`, root]);
  run('find', [root, '-type', 'd', '-exec', 'chmod', '0750', '{}', '+']);
  run('find', [root, '-type', 'f', '-exec', 'chmod', 'o-rwx', '{}', '+']);
  for (const secret of [layout.env, `${layout.env}.new`, layout.key]) chmodSync(secret, 0o600);
  return { layout, demoTarget, appPort: demo.appPort, serviceUnitPath, caFile, tlsKey };
}

/** The systemctl stand-in, root's and executable by all, as /usr/bin/systemctl is. */
function installServiceCtl(file: string, values: Record<string, string>): void {
  const script = readFileSync(CVDCTL_TEMPLATE, 'utf8').replace(
    /@@([A-Z_]+)@@/g,
    (whole, key: string) =>
      values[key] === undefined ? whole : `'${values[key].replaceAll("'", `'\\''`)}'`,
  );
  writeFileSync(file, script, { mode: 0o755 });
}

async function httpStatus(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return undefined;
  }
}
