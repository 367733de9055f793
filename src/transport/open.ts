import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { rules } from '../config/rules.js';
import type { TargetConfig } from '../config/types.js';
import { LocalTransport } from './local.js';
import { expandPath, parseJump, resolveSshHost, type SshConfig } from './ssh-config.js';
import { loadSshConfig } from './ssh-config-file.js';
import { ensureTrusted, hostTrustPolicy, type HostTrustPolicy, type TrustHop } from './trust.js';
import { TransportRefused, type Transport } from './types.js';
import { printable } from '../util/text.js';

/**
 * ssh2 (and node-ssh, in ./ssh.js), loaded only for an ssh target: a local
 * target and every command that opens no connection start without them.
 */
const ssh2 = () => createRequire(import.meta.url)('ssh2') as typeof import('ssh2');

/** One SSH connection to make: the target, or the ProxyJump host in front of it. */
export interface SshHop extends TrustHop {
  username: string;
  /** Absent: ssh-agent. */
  privateKeyPath?: string;
}

export interface SshEnv {
  home: string;
  localUser: string;
  /** SSH_AUTH_SOCK */
  agent: string | undefined;
}

const processEnv = (): SshEnv => ({
  home: os.homedir(),
  localUser: os.userInfo().username,
  agent: process.env.SSH_AUTH_SOCK,
});

/** The transport a target asks for: ssh through ~/.ssh/config and one optional ProxyJump hop, or local. */
export async function openTransport(
  target: TargetConfig,
  trust: HostTrustPolicy = hostTrustPolicy(),
): Promise<Transport> {
  if (target.transport === 'local') return new LocalTransport();
  const { hop, jump } = resolveSshTarget(target, processEnv());
  if (!jump) return connectHop(hop, trust);
  const via = await connectHop(jump, trust);
  try {
    // Each dial is a new direct-tcpip channel: the trust scan and the real connection need one each.
    const final = await connectHop(hop, trust, () => via.forward!(hop.host, hop.port));
    return {
      description: `${final.description} via ${via.description}`,
      exec: (command, options) => final.exec(command, options),
      forward: (host, port) => final.forward!(host, port),
      close: async () => {
        await final.close();
        await via.close();
      },
    };
  } catch (error) {
    await via.close();
    throw error;
  }
}

async function connectHop(
  hop: SshHop,
  trust: HostTrustPolicy,
  dial?: () => Promise<Duplex>,
): Promise<Transport> {
  await ensureTrusted(hop, trust, dial);
  const sock = dial && (await dial());
  const { connectSsh } = await import('./ssh.js');
  return connectSsh({ ...hop, ...(sock ? { sock } : {}) });
}

/**
 * The target's own settings win, as ssh(1)'s command-line options win over
 * its config; ~/.ssh/config (or sshConfigPath) fills what the target leaves
 * out. Port 22 yields to the config's Port: the runbook defaults fill in 22,
 * so an explicit 22 cannot be told from none, and `ssh alias` would use Port.
 */
export function resolveSshTarget(
  target: TargetConfig,
  env: SshEnv,
): { hop: SshHop; jump?: SshHop } {
  const host = target.host;
  // Validation requires it; failing here beats looking up the alias "undefined".
  if (!host) throw new Error('an ssh target needs a host');
  const file = target.sshConfigPath ?? path.join(env.home, '.ssh', 'config');
  const config = loadSshConfig(file, env.home);
  const knownHosts = target.knownHostsPath && expandHome(target.knownHostsPath, env.home);
  const hop = resolveHop(host, config, file, env, {
    user: target.username,
    port: target.port,
    privateKeyPath: target.privateKeyPath && expandHome(target.privateKeyPath, env.home),
    knownHostsPath: knownHosts,
  });
  const spec = resolveSshHost(config, host).proxyJump;
  if (!spec) return { hop };
  const parsed = parseJump(spec);
  if ('error' in parsed) throw new TransportRefused(`${file}: Host ${host}: ${parsed.error}`);
  if (resolveSshHost(config, parsed.host).proxyJump)
    throw new TransportRefused(
      `${file}: ProxyJump ${parsed.host} has a ProxyJump of its own; cvd-tui supports one hop`,
    );
  // The jump host is checked against the same known_hosts file as the target.
  const jump = resolveHop(parsed.host, config, file, env, {
    ...parsed,
    knownHostsPath: hop.knownHostsPath,
  });
  return { hop, jump };
}

interface Overrides {
  user?: string;
  port?: number;
  privateKeyPath?: string;
  knownHostsPath?: string;
}

function resolveHop(
  name: string,
  config: SshConfig,
  file: string,
  env: SshEnv,
  given: Overrides,
): SshHop {
  const s = resolveSshHost(config, name);
  const port = given.port ?? s.port ?? 22;
  // ssh(1) logs in as the local user when neither side names one.
  const username = given.user ?? s.user ?? env.localUser;
  const refuse = (what: string, value: unknown, rule: { expect: string }) =>
    new TransportRefused(
      `${file}: Host ${printable(name)}: ${what} ${printable(JSON.stringify(value) ?? String(value))} is not ${rule.expect}`,
    );
  if (!rules.host.test(s.hostName)) throw refuse('HostName', s.hostName, rules.host);
  if (!rules.port.test(port)) throw refuse('Port', port, rules.port);
  if (!rules.name.test(username)) throw refuse('User', username, rules.name);
  const context = {
    home: env.home,
    localUser: env.localUser,
    host: s.hostName,
    user: username,
    port,
    alias: name,
  };
  const identities = s.identityFiles.map((f) => expandPath(f, context));
  const knownHostsPath =
    given.knownHostsPath ??
    (s.userKnownHostsFile
      ? expandPath(s.userKnownHostsFile, context)
      : path.join(env.home, '.ssh', 'known_hosts'));
  return {
    host: s.hostName,
    port,
    username,
    description: `${username}@${s.hostName}:${port}`,
    privateKeyPath: given.privateKeyPath ?? pickIdentity(identities, env.agent),
    knownHostsPath,
    hashKnownHosts: s.hashKnownHosts,
  };
}

/**
 * The first IdentityFile that exists. One that needs a passphrase is left to
 * ssh-agent when there is one (the operator has it loaded there, as ssh(1)
 * would use it); without an agent connectSsh explains what to do.
 */
function pickIdentity(files: string[], agent: string | undefined): string | undefined {
  const file = files.find((f) => existsSync(f));
  if (!file || !agent) return file;
  const parsed = ssh2().utils.parseKey(readFileSync(file));
  return parsed instanceof Error && /passphrase/i.test(parsed.message) ? undefined : file;
}

/** Config files are hand-written: `~/…` means the home directory, as it does for ssh(1). */
export function expandHome(file: string, home: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(home, file.slice(1)) : file;
}
