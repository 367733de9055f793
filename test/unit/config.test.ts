import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RUNBOOK_DEFAULTS } from '../../src/config/defaults.js';
import { scanJson } from '../../src/config/json-text.js';
import { defaultConfigPath, loadTarget, writeConfig } from '../../src/config/load.js';
import { ConfigError, resolveTarget, validateConfig } from '../../src/config/validate.js';

const ssh = { transport: 'ssh', host: 'prod.example.com', username: 'cvdops' };

const problem = (raw: unknown) => {
  try {
    validateConfig(raw, '/etc/cvd.json');
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected the config to be refused');
};

describe('config validation', () => {
  it('fills in the runbook defaults for every setting a target leaves out', () => {
    const { target } = resolveTarget(validateConfig({ targets: { prod: ssh } }, 'f'), 'f');
    expect(target.paths.app).toBe('/opt/cvd/app');
    expect(target.paths.database).toBe('/opt/cvd/data/cvd.db');
    expect(target.appUser).toBe('cvdapp');
    expect(target.serviceName).toBe('cvd');
    expect(target.appUrl).toBe('http://localhost:5000');
    expect(target.publicUrl).toBe('https://your-domain.com');
    expect(target.thresholds).toEqual(RUNBOOK_DEFAULTS.thresholds);
  });

  it('lets a target override nested settings without losing the other defaults', () => {
    const raw = {
      targets: { prod: { ...ssh, paths: { app: '/srv/cvd/app' }, timeouts: { healthSeconds: 5 } } },
    };
    const { target } = resolveTarget(validateConfig(raw, 'f'), 'f');
    expect(target.paths.app).toBe('/srv/cvd/app');
    expect(target.paths.backups).toBe('/opt/cvd/backups');
    expect(target.timeouts).toEqual({ ...RUNBOOK_DEFAULTS.timeouts, healthSeconds: 5 });
  });

  it.each([
    [{ targets: { prod: { ...ssh, port: 70000 } } }, 'targets.prod.port', /1 to 65535/],
    [
      { targets: { prod: { ...ssh, paths: { app: 'relative/app' } } } },
      'targets.prod.paths.app',
      /absolute path/,
    ],
    [
      { targets: { prod: { ...ssh, paths: { app: '/opt/../etc' } } } },
      'targets.prod.paths.app',
      /absolute path/,
    ],
    [
      { targets: { prod: { ...ssh, serviceName: 'cvd;reboot' } } },
      'targets.prod.serviceName',
      /name of letters/,
    ],
    [{ targets: { prod: { ...ssh, appUrl: 'http://x/$(id)' } } }, 'targets.prod.appUrl', /URL/],
    [{ targets: { prod: { ...ssh, host: 'a b' } } }, 'targets.prod.host', /host name/],
    [{ targets: { prod: { ...ssh, colour: 'red' } } }, 'targets.prod.colour', /not a known key/],
    [{ targets: { prod: { transport: 'ssh', username: 'u' } } }, 'targets.prod.host', /required/],
    [{ targets: { prod: { transport: 'telnet' } } }, 'targets.prod.transport', /"ssh" or "local"/],
    [
      { defaultTarget: 'staging', targets: { prod: ssh } },
      'defaultTarget',
      /must name one of the targets/,
    ],
    [[], '(root)', /JSON object/],
  ])('refuses %j naming the key', (raw, key, message) => {
    const error = problem(raw);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('/etc/cvd.json');
  });

  it('gives an example of a right value', () => {
    expect(problem({ targets: { prod: { ...ssh, port: 'x' } } }).message).toContain(
      'for example: 22',
    );
  });

  it('writes the file 0600 and reads it back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cvd-conf-')), 'nested', 'cvd.json');
    writeConfig(file, { defaultTarget: 'prod', targets: { prod: ssh as never } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadTarget(file).target.host).toBe('prod.example.com');
    writeFileSync(file, '{not json');
    expect(() => loadTarget(file)).toThrow(/not valid JSON/);
  });

  it('names the missing file and what to do', () => {
    expect(() => loadTarget('/nonexistent/cvd.json')).toThrow(/cvd-tui init/);
  });
});

describe('config messages point at the file without quoting it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cvd-conf-msg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  /** Writes `text` to a fresh file; returns the message loading it gives. */
  const messageFor = (text: string | Buffer) => {
    const file = join(dir, `c${++n}.json`);
    writeFileSync(file, text);
    try {
      loadTarget(file);
    } catch (error) {
      return { file, message: (error as Error).message };
    }
    throw new Error('expected the config to be refused');
  };
  const valid = JSON.stringify({ targets: { prod: ssh } }, null, 2);

  it('a config symlinked to a password file: line and column, not one character of it', () => {
    const secret = join(dir, 'shadow');
    writeFileSync(
      secret,
      'root:$y$j9T$Xq3secrethash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n',
    );
    const link = join(dir, 'linked.json');
    symlinkSync(secret, link);
    expect(() => loadTarget(link)).toThrow(
      `${link}:1:1: is not valid JSON: it has a character that cannot start a value (strings need double quotes)`,
    );
    try {
      loadTarget(link);
    } catch (error) {
      for (const piece of ['root', '$y$', 'secret', 'daemon', '19000'])
        expect((error as Error).message).not.toContain(piece);
    }
  });

  it.each([
    ['{\n  "targets": {\n    "prod": tru\n  }\n}', 3, 13, 'cannot start a value'],
    ['{"targets": {"prod": {}},}', 1, 26, 'expects a key in double quotes'],
    ['{\n  "targets" {}\n}', 2, 13, "expects ':' after a key"],
    ['{"targets": {"prod": {"host": "x\u0007y"}}}', 1, 33, 'control character'],
    ['{"targets": {"prod": {"host": "never closed', 1, 31, 'never closed'],
    ['{"targets": [1, 2}', 1, 18, "expects ',' or ']'"],
    ['{"targets": {}}\n\n  x', 3, 3, 'more text after'],
    ['', 1, 1, 'ends where a value is expected'],
  ])('%j: line %i, column %i', (text, line, column, problem) => {
    const { file, message } = messageFor(text);
    expect(message).toContain(`${file}:${line}:${column}: is not valid JSON`);
    expect(message).toContain(problem);
  });

  it('finds a syntax error exactly where JSON.parse refuses one, for 2,000 damaged configs', () => {
    const pieces = ['', ',', '"', '{', '}', '[', ']', ':', 'x', '\\', '\u0001', ' ', '0', '-'];
    let seed = 42;
    const random = (below: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % below;
    for (let i = 0; i < 2000; i++) {
      const at = random(valid.length);
      const text =
        valid.slice(0, at) + pieces[random(pieces.length)]! + valid.slice(at + random(3));
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(scanJson(text).error === undefined, text).toBe(parses);
    }
  });

  it('accepts a UTF-8 byte order mark', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]));
    expect(loadTarget(file).target.host).toBe('prod.example.com');
  });

  it('points at the line and column of a key that does not validate', () => {
    const text = JSON.stringify({ targets: { prod: { ...ssh, port: 70000 } } }, null, 2);
    const { file, message } = messageFor(text);
    const line = text.split('\n').findIndex((l) => l.includes('"port"')) + 1;
    expect(message).toMatch(new RegExp(`^${file}:${line}:7: "targets\\.prod\\.port" must be`));
  });

  it('a missing key points at the object that lacks it', () => {
    const text = JSON.stringify({ targets: { prod: { transport: 'ssh' } } }, null, 2);
    expect(messageFor(text).message).toMatch(/:3:5: "targets\.prod\.host" is required/);
  });

  it('cuts a 50 MB value to a short prefix, and shows control characters inert', () => {
    const huge = 'a'.repeat(50_000_000);
    const { message } = messageFor(JSON.stringify({ targets: { prod: { ...ssh, host: huge } } }));
    expect(message.length).toBeLessThan(400);
    expect(message).toContain(`got "${'a'.repeat(79)}… [cut: ${50_000_002 - 80} more characters]`);
    const escaped = messageFor(
      JSON.stringify({ targets: { prod: { ...ssh, host: '\u001b]0;PWNED\u0007' } } }),
    ).message;
    expect(escaped).toContain('got "\\u001b]0;PWNED\\u0007"');
    const key = messageFor(JSON.stringify({ targets: { prod: { ...ssh, '\u001b[2J': 1 } } }));
    expect(key.message).toContain('"targets.prod.\\x1b[2J" is not a known key');
    expect(key.message).not.toContain('\u001b');
  });

  it('a directory or an unreadable file: cannot be read, with the reason', () => {
    const sub = join(dir, 'adir.json');
    mkdirSync(sub);
    expect(() => loadTarget(sub)).toThrow(`${sub}: cannot be read (EISDIR)`);
  });
});

describe('where the config lives, and how it is written', () => {
  const xdg = process.env.XDG_CONFIG_HOME;
  afterEach(() => {
    if (xdg === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = xdg;
  });
  const config = { defaultTarget: 'prod', targets: { prod: ssh as never } };

  // The paths conf 15.1 opened for {projectName: 'cvd-tui', projectSuffix: ''}, which cvd-tui
  // used until it read the file itself: every config written before must still be found.
  it('is where conf kept it: $XDG_CONFIG_HOME/cvd-tui/config.json, else ~/.config/cvd-tui/config.json', () => {
    process.env.XDG_CONFIG_HOME = '/srv/xdg';
    expect(defaultConfigPath()).toBe('/srv/xdg/cvd-tui/config.json');
    delete process.env.XDG_CONFIG_HOME;
    expect(defaultConfigPath()).toBe(join(homedir(), '.config', 'cvd-tui', 'config.json'));
    process.env.XDG_CONFIG_HOME = '';
    expect(defaultConfigPath()).toBe(join(homedir(), '.config', 'cvd-tui', 'config.json'));
    // conf resolved a relative XDG_CONFIG_HOME against the working directory.
    process.env.XDG_CONFIG_HOME = 'relative/xdg';
    expect(defaultConfigPath()).toBe(resolve('relative/xdg/cvd-tui/config.json'));
  });

  it('without --config, init writes there (directories 0700) and the TUI reads it back', () => {
    const home = mkdtempSync(join(tmpdir(), 'cvd-xdg-'));
    process.env.XDG_CONFIG_HOME = join(home, 'config');
    const file = writeConfig(undefined, config);
    expect(file).toBe(join(home, 'config', 'cvd-tui', 'config.json'));
    expect(statSync(join(home, 'config')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'config', 'cvd-tui')).mode & 0o777).toBe(0o700);
    expect(loadTarget(undefined).target.host).toBe('prod.example.com');
  });

  it('writes tab-indented JSON, as conf did, and replaces a file 0644 by one 0600', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cvd-conf-')), 'cvd.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o644);
    writeConfig(file, config);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(config, undefined, '\t'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces the file in one rename: no temporary file is left, a symlink stays a link to the new content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvd-conf-'));
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(real, '{}');
    symlinkSync(real, link);
    const before = statSync(real).ino;
    writeConfig(link, config);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(loadTarget(link).target.host).toBe('prod.example.com');
    // A new inode: the old file was replaced whole, never rewritten in place.
    expect(statSync(real).ino).not.toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'real.json']);
  });

  it('a config that does not validate, or a write that fails, leaves the old file and no temporary one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvd-conf-'));
    const file = join(dir, 'cvd.json');
    writeConfig(file, config);
    const old = readFileSync(file, 'utf8');
    const bad = { targets: { prod: { ...ssh, port: 0 } } } as unknown as typeof config;
    expect(() => writeConfig(file, bad)).toThrow(/targets\.prod\.port/);
    expect(readFileSync(file, 'utf8')).toBe(old);
    // A directory where the file should be: the rename fails, the temporary file goes.
    const taken = join(dir, 'taken.json');
    mkdirSync(taken);
    expect(() => writeConfig(taken, config)).toThrow(/EISDIR/);
    expect(readdirSync(dir).sort()).toEqual(['cvd.json', 'taken.json']);
  });
});
