/**
 * The server's copy of the execution log on a hardened host: the deployment
 * directory belongs to the app user, so the copy is written as that user
 * (real sudo, `nobody` standing in for cvdapp), never as root; where the app
 * user cannot write, the copy fails as a warning instead of an exception.
 * Needs root to hand a directory to another user and to sudo without a password.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import { writeServerCopy } from '../../src/engine/server-copy.js';
import { StateStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';

const NOBODY = 65534;
const ID = '20261127_220000_ab12';
let dir: string;
let store: StateStore;

const hardened = (deployments: string) =>
  withDefaults({
    transport: 'local',
    useSudo: true,
    appUser: 'nobody',
    paths: { deployments } as never,
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cvd-copy-'));
  chmodSync(dir, 0o755);
  store = StateStore.open(join(dir, 'state', 'state.db'));
  store.createDeployment({
    id: ID,
    target: 'prod',
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: 'v1.0.0',
    versionTo: 'v1.0.1',
    startedAt: Date.now(),
  });
});
afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0)('the server copy on a hardened host', () => {
  it("is written as the app user into the app user's 0750 deployments directory", async () => {
    const deployments = join(dir, 'app-owned');
    mkdirSync(deployments, { mode: 0o750 });
    chownSync(deployments, NOBODY, NOBODY);
    const result = await writeServerCopy(new LocalTransport(), store, hardened(deployments), ID);
    expect(result).toEqual({ written: `${deployments}/${ID}/execution-log.{md,json}` });
    for (const name of ['execution-log.md', 'execution-log.json']) {
      const file = join(deployments, ID, name);
      expect(statSync(file).uid).toBe(NOBODY);
      expect(statSync(file).mode & 0o777).toBe(0o640);
    }
    expect(JSON.parse(readFileSync(join(deployments, ID, 'execution-log.json'), 'utf8')).id).toBe(
      ID,
    );
  });

  it('fails as a result, not an exception, where the app user cannot write', async () => {
    const deployments = join(dir, 'root-owned');
    mkdirSync(deployments, { mode: 0o755 });
    const result = await writeServerCopy(new LocalTransport(), store, hardened(deployments), ID);
    expect(result).toEqual({
      failed: expect.stringMatching(/execution-log\.md: .*Permission denied/),
    });
    expect(existsSync(join(deployments, ID))).toBe(false);
  });
});
