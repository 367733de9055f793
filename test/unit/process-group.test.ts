import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GroupAnnouncement, inProcessGroup } from '../../src/transport/process-group.js';

describe('a command in its own process group', () => {
  it('runs the command intact and announces its group first', () => {
    const { wrapped, tag } = inProcessGroup(`printf '%s\\n' "it's" "$BASH_VERSION" | head -1`);
    const out = execFileSync('bash', ['-c', wrapped], { encoding: 'utf8' });
    const [first, ...rest] = out.split('\n');
    expect(first).toMatch(new RegExp(`^CVD-PGID ${tag} [1-9]\\d*$`));
    expect(rest).toEqual(["it's", '']);
  });

  it('takes out only its own announcement: noise before it passes, an imitation after it is output', () => {
    const a = new GroupAnnouncement('cvd-exec-0123456789abcdef');
    const imitation = 'CVD-PGID cvd-exec-0123456789abcdef 1\n';
    const kept =
      a.take('motd line\nCVD-PGID cvd-exec-ffffffffffffffff 7\nCVD-PGID cvd-exec-0123') +
      a.take('456789abcdef 4242\nfirst line\n') +
      a.take(imitation) +
      a.end();
    expect(a.pgid).toBe(4242);
    expect(kept).toBe(`motd line\nCVD-PGID cvd-exec-ffffffffffffffff 7\nfirst line\n${imitation}`);
  });

  it('without an announcement, stdout is kept whole and waiting ends at its end', async () => {
    const a = new GroupAnnouncement('cvd-exec-0123456789abcdef');
    const waiting = a.wait(60_000);
    expect(a.take('bash: setsid: command not found\npartial')).toBe(
      'bash: setsid: command not found\n',
    );
    expect(a.end()).toBe('partial');
    expect(await waiting).toBeUndefined();
  });
});
