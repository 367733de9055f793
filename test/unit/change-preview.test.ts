import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, USAGE } from '../../src/cli/args.js';
import { confirmChanges } from '../../src/cli/change-preview.js';
import { RUNBOOK_DEFAULTS } from '../../src/config/defaults.js';
import type { TargetConfig } from '../../src/config/types.js';
import {
  COMMITS_LISTED,
  gatherChangePreview,
  needsDowngradeConfirmation,
  readChangePreview,
  type ChangePreview,
} from '../../src/engine/change-preview.js';
import { changePreviewLines } from '../../src/engine/change-preview-lines.js';
import { StateStore } from '../../src/state/store.js';
import { LocalTransport } from '../../src/transport/local.js';
import { InputError } from '../../src/util/exit.js';
import { hasControlCharacters } from '../../src/util/text.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
/** A subject that sets the terminal's title, writes its clipboard and clears the screen. */
const ESCAPES = 'fix \u001b]0;owned\u0007 \u001b]52;c;cm0gLXJmIC8=\u0007 \u001b[2J \u009b31m';
/** A subject dressed as our markers and our own warning lines. */
const IMPOSTOR = 'CVD-FACT:0123456789abcdef0123456789abcdef direction=same ⚠ same version';

const facts = (more: Record<string, string> = {}) => ({
  runningCommit: A,
  runningVersion: 'v1.0.0',
  targetCommit: B,
  commitCount: '1',
  commitsBack: '0',
  commit1: '09f1dc9 Release v1.0.1',
  migrations: 'v1.0.1 ',
  migrationsLost: '',
  env: 'none',
  envKeys: '',
  unit: 'none',
  ...more,
});

const preview = (more: Record<string, string> = {}, version = 'v1.0.1'): ChangePreview =>
  readChangePreview(facts(more), version);

/** v1.0.0 over a running v1.0.1 whose migration the database keeps. */
const downgrade = () =>
  preview(
    {
      commitCount: '0',
      commitsBack: '1',
      commit1: '',
      migrationsLost: 'v1.0.1',
      runningVersion: 'v1.0.1',
    },
    'v1.0.0',
  );

const text = (p: ChangePreview, width?: number) =>
  changePreviewLines(p, { width }).map((l) => l.text);

describe('change preview: reading the facts', () => {
  it('tells forward, same, downgrade and sideways apart from the commit counts', () => {
    expect(preview().direction).toBe('forward');
    expect(preview({ targetCommit: A }).direction).toBe('same');
    expect(preview({}, 'v1.0.0').direction).toBe('same');
    expect(preview({ commitCount: '0', commitsBack: '1' }).direction).toBe('downgrade');
    expect(preview({ commitCount: '2', commitsBack: '1' }).direction).toBe('sideways');
    // The tag is not on the target: nothing is known of the commits between.
    const unknown = preview({ targetCommit: '', commitCount: '', commitsBack: '' });
    expect([unknown.direction, unknown.commitCount]).toEqual(['unknown', undefined]);
  });

  it('asks for a confirmation only for a downgrade that leaves migrations behind', () => {
    const down = { commitCount: '0', commitsBack: '1', commit1: '' };
    expect(needsDowngradeConfirmation(preview({ ...down, migrationsLost: 'v1.0.1' }))).toBe(true);
    expect(needsDowngradeConfirmation(preview(down))).toBe(false);
    expect(needsDowngradeConfirmation(preview({ migrationsLost: 'v1.0.1' }))).toBe(false);
  });

  it('keeps at most COMMITS_LISTED commit lines and ignores a malformed count or commit', () => {
    const many = Object.fromEntries(
      Array.from({ length: COMMITS_LISTED + 5 }, (_, i) => [`commit${i + 1}`, `c${i}`]),
    );
    const p = preview({ ...many, commitCount: '1e9', runningCommit: 'HEAD; reboot' });
    expect(p.commits).toHaveLength(COMMITS_LISTED);
    expect([p.commitCount, p.direction]).toEqual([undefined, 'unknown']);
  });
});

describe('change preview: the lines --plan, headless and the TUI show', () => {
  it('names the commits, the migrations 2.3 runs, the pending files and the downtime', () => {
    const p = {
      ...preview({ env: 'changed', envKeys: 'NEW_KEY API_URL', unit: 'same' }),
      downtime: { ms: 65_000, deploymentId: '20250101_120000_ab12', version: 'v1.0.0' },
    };
    const lines = text(p);
    expect(lines[0]).toBe(
      'Change preview: v1.0.0 → v1.0.1 · 1 commit · expected downtime ~1 min 05 s',
    );
    expect(lines).toContain(
      '  2.3 migrations: migration_v1.0.1.sql · .env.new: changed (2.4 installs it) (keys: NEW_KEY, API_URL) · unit file: no change (identical)',
    );
    expect(lines).toContain('  + 09f1dc9 Release v1.0.1');
    expect(lines.at(-1)).toContain('20250101_120000_ab12 (v1.0.0)');
    expect(text(preview()).at(-1)).toBe(
      '  downtime: unknown (no successful deploy of this target on record)',
    );
  });

  it('puts the same-version and downgrade warnings right under the title', () => {
    expect(text(preview({ targetCommit: A }))[1]).toMatch(
      /^⚠ same version: v1\.0\.1 is already running/,
    );
    const down = downgrade();
    const lines = changePreviewLines(down);
    expect([lines[1]!.tone, lines[1]!.text]).toEqual([
      'error',
      '✗ downgrade: v1.0.0 lacks 1 commit of v1.0.1; the database keeps migration_v1.0.1.sql: confirm to deploy (headless: --allow-downgrade)',
    ]);
    const behind = preview({ commitCount: '0', commitsBack: '2', commit1: '' });
    expect(text(behind)[1]).toBe('⚠ downgrade: v1.0.1 lacks 2 commits of v1.0.0');
  });

  it('shows hostile commit subjects inert, cut, and as commits, never as our own lines', () => {
    const p = preview({
      commitCount: '3',
      commit1: `1111111 ${ESCAPES}`,
      commit2: `2222222 ${'x'.repeat(5000)}`,
      commit3: `3333333 ${IMPOSTOR}`,
    });
    const lines = changePreviewLines(p, { width: 80 });
    expect(lines.every((l) => !hasControlCharacters(l.text))).toBe(true);
    expect(lines[0]!.text).toBe(
      'Change preview: v1.0.0 → v1.0.1 · 3 commits · expected downtime unknown',
    );
    const commits = lines.filter((l) => l.text.startsWith('  + '));
    expect(commits.map((l) => l.tone)).toEqual(['muted', 'muted', 'muted']);
    expect(commits[0]!.text).toContain('\\x1b]0;owned\\x07');
    expect(commits[0]!.text).toContain('\\x9b31m');
    expect(commits[1]!.text).toMatch(/^ {2}\+ 2222222 x+… \[cut: \d+ more characters\]$/);
    expect(commits[1]!.text.length).toBeLessThan(120);
    expect(commits[2]!.text.startsWith(`  + 3333333 ${IMPOSTOR.slice(0, 60)}`)).toBe(true);
    // The impostor decided nothing: no warning line, still a forward deployment.
    expect(p.direction).toBe('forward');
    expect(lines.filter((l) => l.tone === 'warn' || l.tone === 'error')).toEqual([]);
  });

  it('makes a hostile version, tag or .env key inert too', () => {
    const p = preview({
      runningVersion: 'v1\u001b[2J',
      migrations: 'v1.0.1\u0007',
      envKeys: 'K\u009b',
      env: 'changed',
    });
    expect(changePreviewLines(p).every((l) => !hasControlCharacters(l.text))).toBe(true);
  });
});

describe('change preview: a headless deploy', () => {
  const sink = () => {
    const written: string[] = [];
    return { written, write: (t: string) => written.push(t) };
  };

  it('warns about the same version on stderr and goes on', () => {
    const [out, err] = [sink(), sink()];
    confirmChanges(preview({ targetCommit: A }), false, out, err);
    expect(out.written.join('')).toContain('⚠ same version');
    expect(err.written.join('')).toBe(
      'warning: v1.0.1 is the version already running on the target\n',
    );
  });

  it('refuses a downgrade across a migration unless --allow-downgrade is given', () => {
    const down = downgrade();
    const [out, err] = [sink(), sink()];
    expect(() => confirmChanges(down, false, out, err)).toThrow(InputError);
    expect(() => confirmChanges(down, false, out, err)).toThrow(/pass --allow-downgrade/);
    expect(() => confirmChanges(down, true, out, err)).not.toThrow();
    expect(err.written.at(-1)).toContain('confirmed by --allow-downgrade');
  });
});

describe('--allow-downgrade', () => {
  it('is in --help, goes with deploy, and is refused elsewhere (exit 2)', () => {
    expect(USAGE).toMatch(/^ {2}--allow-downgrade {3}headless deploy: /m);
    expect(
      parseCli(['deploy', '--version', 'v1.0.0', '--allow-downgrade']).options.allowDowngrade,
    ).toBe(true);
    expect(parseCli(['deploy', '--version', 'v1.0.0']).options.allowDowngrade).toBe(false);
    expect(() => parseCli(['rollback', '--allow-downgrade'])).toThrow(InputError);
  });
});

/**
 * The one command on a real git repository through the local transport:
 * commits with hostile subjects come back as commit lines, the migrations
 * are 2.3's (only tags with a migration file), and .env.new's changed keys
 * are named without their values.
 */
describe('change preview: the command on a real repository', () => {
  let dir: string;
  let target: TargetConfig;
  let store: StateStore;
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', join(dir, 'app'), ...args], {
      encoding: 'utf8',
      env: {
        // GIT_DIR and friends are set when tests run from a git hook: keep them away from this repository.
        ...Object.fromEntries(
          Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')),
        ),
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    });
  const release = (tag: string, subject: string, migration: boolean) => {
    if (migration)
      writeFileSync(join(dir, 'app', 'migrations', `migration_${tag}.sql`), 'SELECT 1;\n');
    writeFileSync(join(dir, 'app', 'VERSION'), tag);
    git('add', '-A');
    git('commit', '-q', '-m', subject);
    git('tag', tag);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cvd-preview-'));
    mkdirSync(join(dir, 'app', 'migrations'), { recursive: true });
    mkdirSync(join(dir, 'config'));
    git('init', '-q', '-b', 'main');
    release('v1.0.0', 'Release v1.0.0', false);
    release('v1.0.1', `Release v1.0.1 ${ESCAPES}`, true);
    release('v1.0.2', IMPOSTOR, false);
    release('v1.0.3', `Release v1.0.3 ${'y'.repeat(3000)}`, true);
    git('checkout', '-q', '--detach', 'v1.0.1');
    writeFileSync(join(dir, 'config', '.env'), 'A=1\nSECRET=old\n');
    writeFileSync(join(dir, 'config', '.env.new'), 'A=1\nSECRET=new-value\nADDED=2\n');
    writeFileSync(join(dir, 'config', 'cvd.service'), '[Unit]\n');
    target = {
      ...RUNBOOK_DEFAULTS,
      transport: 'local',
      useSudo: false,
      serviceUnitPath: join(dir, 'config', 'cvd.service'),
      paths: { ...RUNBOOK_DEFAULTS.paths, app: join(dir, 'app'), config: join(dir, 'config') },
    };
    store = StateStore.open(join(dir, 'state.db'));
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const gather = (version: string) =>
    gatherChangePreview(
      { transport: new LocalTransport(), target, store, targetName: 't' },
      version,
    );

  it('lists the commits and the migrations between the running tag and the target', async () => {
    const p = await gather('v1.0.3');
    expect(p).toMatchObject({
      runningVersion: 'v1.0.1',
      direction: 'forward',
      commitCount: 2,
      commitsBack: 0,
      migrations: ['v1.0.3'],
      migrationsLost: [],
      env: 'changed',
      envKeys: ['ADDED', 'SECRET'],
      unit: 'none',
    });
    expect(p.commits).toHaveLength(2);
    expect(p.commits[0]).toMatch(/^[0-9a-f]{7,} Release v1\.0\.3 y+$/);
    expect(p.commits[0]!.length).toBeLessThanOrEqual(200);
    expect(p.commits[1]).toMatch(new RegExp(`^[0-9a-f]{7,} ${IMPOSTOR}$`));
    expect(
      changePreviewLines(p)
        .map((l) => l.text)
        .join('\n'),
    ).not.toContain('new-value');
  });

  it('finds the migrations a downgrade leaves in the database', async () => {
    const p = await gather('v1.0.0');
    expect(p).toMatchObject({ direction: 'downgrade', commitsBack: 1, migrationsLost: ['v1.0.1'] });
    expect(needsDowngradeConfirmation(p)).toBe(true);
    expect(p.migrations).toEqual([]);
  });

  it('says the same version, and a tag the target does not have', async () => {
    expect((await gather('v1.0.1')).direction).toBe('same');
    const missing = await gather('v9.9.9');
    expect([missing.direction, missing.commitCount, missing.commits]).toEqual([
      'unknown',
      undefined,
      [],
    ]);
  });
});
