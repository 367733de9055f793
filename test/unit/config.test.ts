import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_DEFAULTS } from '../../src/config/defaults.js';
import { loadTarget, writeConfig } from '../../src/config/load.js';
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

  it('writes the file 0600 and reads it back through conf', () => {
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
