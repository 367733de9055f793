import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const MESSAGE =
  'cvd-tui: this is not a terminal; use --headless (with --confirm-all) for automation\n';

/** The built binary with pipes for stdin and stdout: the TUI refuses, pointing at --headless. */
describe('cvd-tui without a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-notty-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([[[]], [['resume']]])('cvd-tui %j exits 2 with a clear message', async (args) => {
    const result = await runCli([
      ...args,
      '--config',
      join(dir, 'none.json'),
      '--state',
      join(dir, 'state.db'),
    ]);
    expect(result).toMatchObject({ code: 2, stderr: MESSAGE, stdout: '' });
  });

  it('demo without --no-tui or --headless refuses before building anything', async () => {
    const result = await runCli(['demo', '--dir', join(dir, 'demo')]);
    expect(result).toMatchObject({ code: 2, stderr: MESSAGE });
    expect(existsSync(join(dir, 'demo'))).toBe(false);
  });
});
