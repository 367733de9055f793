import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTarget, writeConfig } from '../../src/config/load.js';
import type { ConfigFile } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Asker, Choice } from '../../src/init/asker.js';
import { runWizard } from '../../src/init/wizard.js';
import { parseSshConfig } from '../../src/transport/ssh-config.js';

/**
 * An Asker with scripted answers: each question whose message matches a key
 * takes the next answer of its queue; any other question is answered with
 * its default, as Enter would. An answer the question's validate refuses is
 * recorded and the next one is taken, as an operator retyping would.
 */
function scripted(script: [RegExp, unknown[]][]) {
  const asked: string[] = [];
  const rejected: { message: string; answer: unknown; why: string }[] = [];
  const choicesSeen = new Map<string, string[]>();
  const next = (message: string): { found: boolean; value?: unknown } => {
    asked.push(message);
    const queue = script.find(([re]) => re.test(message))?.[1];
    return queue && queue.length ? { found: true, value: queue.shift() } : { found: false };
  };
  const answer = async (q: {
    message: string;
    default?: string;
    validate?: (v: string) => true | string;
  }) => {
    for (;;) {
      const a = next(q.message);
      const value = a.found ? String(a.value) : (q.default ?? '');
      const verdict = q.validate?.(value) ?? true;
      if (verdict === true) return value;
      rejected.push({ message: q.message, answer: value, why: verdict });
      if (!a.found) throw new Error(`no valid answer for "${q.message}"`);
    }
  };
  const asker: Asker = {
    input: answer,
    secret: answer,
    confirm: async (q) => {
      const a = next(q.message);
      return a.found ? Boolean(a.value) : (q.default ?? false);
    },
    select: async <T>(q: { message: string; choices: Choice<T>[]; default?: T }) => {
      choicesSeen.set(
        q.message,
        q.choices.map((c) => c.name),
      );
      const a = next(q.message);
      return (a.found ? a.value : (q.default ?? q.choices[0]!.value)) as T;
    },
  };
  return { asker, asked, rejected, choicesSeen };
}

const SSH_CONFIG =
  'Host prod\n  HostName 10.0.0.5\n  User deploy\n  Port 2222\nHost *\n  User someone\n';
const env = { sshConfig: parseSshConfig(SSH_CONFIG), localUser: 'me' };

describe('init wizard', () => {
  it('offers ssh config hosts and writes only what differs from the runbook and the ssh config', async () => {
    const s = scripted([[/^Host \(from/, ['prod']]]);
    const result = await runWizard(s.asker, env);
    expect(s.choicesSeen.get('Host (from your ssh config)')).toEqual([
      'prod  (deploy@10.0.0.5:2222)',
      'another host…',
    ]);
    expect(result.name).toBe('prod');
    expect(result.target).toEqual({ transport: 'ssh', host: 'prod' });
    expect(result.config).toEqual({
      defaultTarget: 'prod',
      targets: { prod: { transport: 'ssh', host: 'prod' } },
    });
    expect(() => validateConfig(result.config, 'f')).not.toThrow();
  });

  it('refuses hostile answers with the config rule and an example, then takes a valid one', async () => {
    const s = scripted([
      [/^Target name/, ['prod;reboot', 'prod']],
      [/^Host \(from/, ['']],
      [/^Host name/, ['$(touch /tmp/x)', 'db.example.com']],
      [/^SSH port/, ['70000', '2200']],
      [/^App user/, ['`id`', 'cvd-app']],
      [/^Path: backups/, ['../etc', '/srv/cvd/backups']],
      [/^App URL/, ['http://localhost:5000/$(id)', 'http://127.0.0.1:8000']],
      [/Slack webhook/, [true]],
      [
        /^Webhook URL/,
        ['https://hooks.example.com/a b', 'https://hooks.slack.com/services/T0/B0/tok'],
      ],
    ]);
    const result = await runWizard(s.asker, env);
    expect(s.rejected.map((r) => r.answer)).toEqual([
      'prod;reboot',
      '$(touch /tmp/x)',
      '70000',
      '`id`',
      '../etc',
      'http://localhost:5000/$(id)',
      'https://hooks.example.com/a b',
    ]);
    expect(s.rejected[0]!.why).toMatch(/^must be a name of letters.*for example cvdapp$/);
    expect(result.target).toEqual({
      transport: 'ssh',
      // User comes from the ssh config's `Host *` and stays there.
      host: 'db.example.com',
      port: 2200,
      appUser: 'cvd-app',
      paths: { backups: '/srv/cvd/backups' },
      appUrl: 'http://127.0.0.1:8000',
      notifyWebhookUrl: 'https://hooks.slack.com/services/T0/B0/tok',
    });
    expect(() => validateConfig(result.config, 'f')).not.toThrow();
  });

  it('edits an existing target: answers default to it, unasked settings and other targets are kept', async () => {
    const existing = {
      defaultTarget: 'prod',
      targets: {
        prod: {
          transport: 'ssh',
          host: 'old.example.com',
          username: 'ops',
          installCommand: 'npm ci',
          thresholds: { certMinDays: 14 },
          notifyWebhookUrl: 'https://hooks.slack.com/services/T0/B0/old',
        },
        staging: { transport: 'local' },
      },
    } as unknown as ConfigFile;
    const s = scripted([
      [/^Host \(from/, ['']],
      [/Slack webhook/, [true]],
      [/^Webhook URL/, ['']],
      [/^Public HTTPS URL/, ['https://cvd.example.com']],
    ]);
    const result = await runWizard(s.asker, { ...env, existing });
    expect(s.asked).not.toContain('Make prod the default target?');
    expect(result.config.defaultTarget).toBe('prod');
    expect(result.config.targets.staging).toEqual({ transport: 'local' });
    expect(result.target).toEqual({
      transport: 'ssh',
      host: 'old.example.com',
      username: 'ops',
      installCommand: 'npm ci',
      thresholds: { certMinDays: 14 },
      publicUrl: 'https://cvd.example.com',
      notifyWebhookUrl: 'https://hooks.slack.com/services/T0/B0/old',
    });
  });

  it('a local target asks no ssh questions and drops ssh settings; a second target asks about the default', async () => {
    const existing = {
      defaultTarget: 'prod',
      targets: { prod: { transport: 'ssh', host: 'p.example.com' } },
    } as unknown as ConfigFile;
    const s = scripted([
      [/^Target name/, ['sandbox']],
      [/^Transport/, ['local']],
      [/^Run commands through sudo/, [false]],
      [/^Reverse proxy/, ['none']],
      [/^Make sandbox the default/, [true]],
    ]);
    const result = await runWizard(s.asker, { ...env, existing });
    expect(s.asked.some((m) => /Host|SSH/.test(m))).toBe(false);
    expect(result.target).toEqual({ transport: 'local', useSudo: false, proxyService: '' });
    expect(result.config.defaultTarget).toBe('sandbox');
    expect(Object.keys(result.config.targets)).toEqual(['prod', 'sandbox']);
  });

  it('what it makes is written 0600 by writeConfig and loads back with the runbook defaults', async () => {
    const result = await runWizard(scripted([[/^Host \(from/, ['prod']]]).asker, env);
    const file = join(mkdtempSync(join(tmpdir(), 'cvd-init-')), 'conf', 'cvd-tui.json');
    writeConfig(file, result.config);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    const loaded = loadTarget(file);
    expect(loaded.target).toMatchObject({
      host: 'prod',
      appUser: 'cvdapp',
      paths: { app: '/opt/cvd/app' },
    });
  });

  it('asks for the operator and app users, installCommand and caFile, and offers the sudoers fragment', async () => {
    const s = scripted([
      [/^Host \(from/, ['prod']],
      [/^SSH user \(the operator's own login/, ['cvdops']],
      [/^App user/, ['cvdapp2']],
      [/^Install command, run as cvdapp2/, ['npm ci --omit=dev']],
      [/^CA file on the target/, ['relative/ca.pem', '/etc/ssl/cvd-ca.pem']],
    ]);
    const result = await runWizard(s.asker, env);
    expect(s.rejected.map((r) => r.answer)).toEqual(['relative/ca.pem']);
    expect(result.target).toEqual({
      transport: 'ssh',
      host: 'prod',
      username: 'cvdops',
      appUser: 'cvdapp2',
      installCommand: 'npm ci --omit=dev',
      caFile: '/etc/ssl/cvd-ca.pem',
    });
    expect(s.asked).toContain(
      'Print the sudoers fragment this target needs (for /etc/sudoers.d) at the end?',
    );
    expect(result.printSudoers).toBe(true);
    expect(() => validateConfig(result.config, 'f')).not.toThrow();
  });

  it("keeps the runbook's installCommand and no caFile by default; no fragment to offer without sudo", async () => {
    const s = scripted([
      [/^Host \(from/, ['prod']],
      [/^Run commands through sudo/, [false]],
    ]);
    const result = await runWizard(s.asker, env);
    expect(result.target).toEqual({ transport: 'ssh', host: 'prod', useSudo: false });
    expect(s.asked.some((m) => /sudoers/.test(m))).toBe(false);
    expect(result.printSudoers).toBe(false);
  });
});
