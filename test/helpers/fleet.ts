import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDemo, type DemoHandle } from './demo.js';
import { sshLogin, type SshdHandle } from './sshd.js';

export interface FleetHandle {
  /** One demo target per host, in group order. */
  demos: DemoHandle[];
  names: string[];
  group: string;
  config: string;
  state: string;
  /** `--config … --state … --target GROUP`. */
  flags: string[];
  cleanup(): Promise<void>;
}

export interface FleetOptions {
  /** Hosts reached through this sshd (by index) rather than the local transport. */
  sshd?: SshdHandle;
  overSsh?: number[];
  group?: { canary?: number; batchSize?: number; maxFailures?: number };
}

/**
 * `count` demo targets as the hosts web1… of one config, with a group `web`
 * of them all and one state database. 4.1's log window is 1 s (5.3 waits for it).
 */
export async function freshFleet(count = 3, options: FleetOptions = {}): Promise<FleetHandle> {
  const demos = await Promise.all(Array.from({ length: count }, () => freshDemo()));
  const dir = mkdtempSync(join(tmpdir(), 'cvd-fleet-'));
  const names = demos.map((_, i) => `web${i + 1}`);
  const targets: Record<string, unknown> = {};
  demos.forEach((demo, i) => {
    const target = JSON.parse(readFileSync(demo.configPath, 'utf8')).targets.demo;
    target.logWindowSeconds = 1;
    if (options.sshd && options.overSsh?.includes(i))
      Object.assign(target, { transport: 'ssh', ...sshLogin(options.sshd) });
    targets[names[i]!] = target;
  });
  targets.web = { group: names, canary: 1, batchSize: 2, maxFailures: 0, ...options.group };
  const config = join(dir, 'cvd-tui.json');
  writeFileSync(config, JSON.stringify({ targets }, null, 2));
  const state = join(dir, 'state.db');
  return {
    demos,
    names,
    group: 'web',
    config,
    state,
    flags: ['--config', config, '--state', state, '--target', 'web'],
    cleanup: async () => {
      await Promise.all(demos.map((d) => d.cleanup()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
