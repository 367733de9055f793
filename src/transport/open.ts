import os from 'node:os';
import path from 'node:path';
import type { TargetConfig } from '../config/types.js';
import { LocalTransport } from './local.js';
import { connectSsh } from './ssh.js';
import type { Transport } from './types.js';

/** The transport a target asks for, with the config's documented defaults filled in. */
export async function openTransport(target: TargetConfig): Promise<Transport> {
  if (target.transport === 'local') return new LocalTransport();
  if (!target.host || !target.username) {
    // Validation should have caught this; failing here beats connecting as "undefined".
    throw new Error('an ssh target needs host and username');
  }
  return connectSsh({
    host: target.host,
    port: target.port ?? 22,
    username: target.username,
    privateKeyPath:
      target.privateKeyPath === undefined ? undefined : expandHome(target.privateKeyPath),
    knownHostsPath: expandHome(target.knownHostsPath ?? '~/.ssh/known_hosts'),
  });
}

/** Config files are hand-written: `~/…` means the home directory, as it does for ssh(1). */
function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}
