/**
 * Which failed pre-deployment checks refuse a version from the command
 * line: headless any (no one can give a reason), the fleet's TUI only an
 * unknown tag (its checklist takes a red item with a reason). A real git
 * repository with the tag, checked over the local transport; no backup, so
 * tech.1 fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessContext } from '../../src/cli/headless-context.js';
import { withDefaults } from '../../src/config/defaults.js';
import { StateStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';
import { InputError } from '../../src/util/exit.js';

let dir: string;
let store: StateStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cvd-tui-refusal-'));
  const app = join(dir, 'app');
  mkdirSync(app);
  const git = (...args: string[]) => execFileSync('git', ['-C', app, ...args], { stdio: 'pipe' });
  git('init', '-q');
  git(
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.com',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'one',
  );
  git('tag', 'v1.0.1');
  store = StateStore.open(join(dir, 'state.db'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const context = (refuse?: 'any' | 'tag') =>
  headlessContext(
    {
      store,
      operator: 'alice',
      jumpHost: 'jump',
      file: '',
      name: 'web3',
      target: withDefaults({
        transport: 'local',
        useSudo: false,
        paths: { app: join(dir, 'app'), backups: join(dir, 'backups') },
      }),
    },
    new LocalTransport(),
    false,
    refuse,
  );

describe('check refusal', () => {
  it('headless refuses a failed check, naming it', async () => {
    const refused = context().check('v1.0.1');
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(/pre-deployment checks failed[\s\S]*tech\.1 /);
  });

  it('the fleet’s TUI takes a failed check (red on its checklist) but refuses an unknown tag', async () => {
    const checks = await context('tag').check('v1.0.1');
    expect(checks.evidence.get('tech.3')?.ok).toBe(true);
    expect(checks.evidence.get('tech.1')?.ok).toBe(false);
    await expect(context('tag').check('v9.9.9')).rejects.toThrow(
      'version v9.9.9 is not a tag of the app repository on web3 or its origin',
    );
  });
});
