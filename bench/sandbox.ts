import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoTarget, stopDemoService } from './product.js';

/** A fresh demo target (`cvd-tui demo`'s own builder) in its own temp dir, with its own state database. */
export interface Sandbox {
  dir: string;
  configPath: string;
  state: string;
  appPort: number;
  httpsPort: number;
  /** `--config … --state …` for the CLI. */
  flags: string[];
  /** The version the app's /health reports. */
  appVersion(): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-bench-'));
  const demo = await buildDemoTarget(dir);
  const state = join(demo.dir, 'state.db');
  return {
    ...demo,
    state,
    flags: ['--config', demo.configPath, '--state', state],
    appVersion: async () => {
      const response = await fetch(`http://127.0.0.1:${demo.appPort}/health`);
      return ((await response.json()) as { version?: string }).version;
    },
    cleanup: async () => {
      await stopDemoService(demo.dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
