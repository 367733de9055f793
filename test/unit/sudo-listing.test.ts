import { describe, expect, it } from 'vitest';
import {
  hasPasswordRootRule,
  parseSudoListing,
  passwordlessAsRoot,
} from '../../src/doctor/sudo-listing.js';

/** `sudo -n -ll` of sudo 1.9.13 for an operator in group sudo with two password-less lines. */
const LISTING = `Matching Defaults entries for cvdops on vm:
    env_reset, mail_badpass,
    secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin,
    use_pty

User cvdops may run the following commands on vm:

Sudoers entry:
    RunAsUsers: ALL
    RunAsGroups: ALL
    Commands:
\tALL

Sudoers entry:
    RunAsUsers: root
    Options: !authenticate
    Commands:
\t/usr/bin/systemctl stop cvd
\t/usr/bin/install -m 0644 /a/b\\,c /x

Sudoers entry:
    RunAsUsers: cvdapp
    Options: !authenticate
    Commands:
\tALL
`;

describe("sudo's verbose listing", () => {
  const entries = parseSudoListing(LISTING);

  it('reads each entry: who it runs as, whether it asks for a password, its commands unescaped', () => {
    expect(entries).toEqual([
      { runAs: ['ALL'], passwordless: false, commands: ['ALL'] },
      {
        runAs: ['root'],
        passwordless: true,
        commands: ['/usr/bin/systemctl stop cvd', '/usr/bin/install -m 0644 /a/b,c /x'],
      },
      { runAs: ['cvdapp'], passwordless: true, commands: ['ALL'] },
    ]);
    expect(hasPasswordRootRule(entries)).toBe(true);
    expect(parseSudoListing('')).toEqual([]);
  });

  it('tells a password-less root command line from one allowed only with a password', () => {
    expect(passwordlessAsRoot(entries, ['systemctl', 'stop', 'cvd'])).toBe(true);
    expect(passwordlessAsRoot(entries, ['/bin/systemctl', 'stop', 'cvd'])).toBe(true);
    expect(passwordlessAsRoot(entries, ['install', '-m', '0644', '/a/b,c', '/x'])).toBe(true);
    expect(passwordlessAsRoot(entries, ['systemctl', 'start', 'cvd'])).toBe(false);
    // Password-less ALL, but as cvdapp: not as root.
    expect(passwordlessAsRoot(entries.slice(2), ['systemctl', 'start', 'cvd'])).toBe(false);
  });

  it('the last matching entry decides, as in sudo', () => {
    const [withPassword, nopasswd] = entries;
    expect(passwordlessAsRoot([nopasswd!, withPassword!], ['systemctl', 'stop', 'cvd'])).toBe(
      false,
    );
  });

  it('a command listed without arguments allows any, as in sudoers', () => {
    const any = [{ runAs: [], passwordless: true, commands: ['/usr/bin/systemctl'] }];
    expect(passwordlessAsRoot(any, ['systemctl', 'daemon-reload'])).toBe(true);
    expect(hasPasswordRootRule(any)).toBe(false);
  });
});
