/**
 * `cvd-tui init`'s questions and what it makes of the answers: a valid
 * target. Defaults are the runbook's (or the target being edited); ssh hosts
 * are offered from ~/.ssh/config. Only values that differ from the runbook's
 * defaults are written, so the file stays short and the defaults stay
 * upgradable.
 */
import { PATH_KEYS, RUNBOOK_DEFAULTS } from '../config/defaults.js';
import { rules } from '../config/rules.js';
import type { ConfigFile, TargetInput, TargetPaths } from '../config/types.js';
import { validator, type Asker } from './asker.js';
import { askSsh, type SshEnv } from './ssh.js';

export interface WizardEnv extends SshEnv {
  /** The config file as it is now, when there is one: its targets are kept, one may be edited. */
  existing?: ConfigFile;
}

export interface WizardResult {
  name: string;
  target: TargetInput;
  config: ConfigFile;
  /** The operator asked to see the sudoers fragment once the config is written. */
  printSudoers: boolean;
}

const SSH_KEYS = ['host', 'port', 'username', 'privateKeyPath'] as const;

export async function runWizard(ask: Asker, env: WizardEnv): Promise<WizardResult> {
  const targets = env.existing?.targets ?? {};
  const name = await ask.input({
    message: 'Target name',
    default: env.existing?.defaultTarget ?? 'prod',
    validate: validator(rules.name),
  });
  // What is there already is the default of every answer; what init does not ask about is kept.
  const prev = (Object.hasOwn(targets, name) ? targets[name] : {}) as Partial<TargetInput>;
  const transport = await ask.select({
    message: 'Transport',
    choices: [
      { name: 'ssh: a server reached over SSH', value: 'ssh' as const },
      { name: 'local: this machine (a demo or test target)', value: 'local' as const },
    ],
    default: prev.transport ?? 'ssh',
  });
  const target: TargetInput = { ...prev, transport };
  for (const key of SSH_KEYS) delete target[key];
  if (transport === 'ssh') Object.assign(target, await askSsh(ask, env, prev));

  const d = RUNBOOK_DEFAULTS;
  const text = async (
    message: string,
    current: string | undefined,
    fallback: string,
    rule: Parameters<typeof validator>[0],
  ) => ask.input({ message, default: current ?? fallback, validate: validator(rule) });
  target.appUser = await text(
    'App user (owns the app and its database)',
    prev.appUser,
    d.appUser,
    rules.name,
  );
  target.useSudo = await ask.confirm({
    message: `Run commands through sudo -n (as ${target.appUser} and root)?`,
    default: prev.useSudo ?? d.useSudo,
  });
  target.serviceName = await text('Service name', prev.serviceName, d.serviceName, rules.name);
  target.serviceCtl = await text('Service manager', prev.serviceCtl, d.serviceCtl, rules.command);
  // "none", not blank: a prompt with a default cannot be answered blank.
  const proxy = await ask.input({
    message: 'Reverse proxy service ("none" if there is none)',
    default: (prev.proxyService ?? d.proxyService) || 'none',
    validate: (v) => v === 'none' || validator(rules.name)(v),
  });
  target.proxyService = proxy === 'none' ? '' : proxy;
  const paths: Partial<TargetPaths> = { ...prev.paths };
  for (const key of PATH_KEYS)
    paths[key] = await text(`Path: ${key}`, prev.paths?.[key], d.paths[key], rules.path);
  target.paths = paths;
  target.installCommand = await text(
    `Install command, run as ${target.appUser} in the app directory after checkout (2.2)`,
    prev.installCommand,
    d.installCommand,
    rules.shellCommand,
  );
  target.appUrl = await text('App URL, as seen on the server', prev.appUrl, d.appUrl, rules.url);
  target.publicUrl = await text('Public HTTPS URL', prev.publicUrl, d.publicUrl, rules.url);
  const caFile = await ask.input({
    message: 'CA file on the target that verifies the public URL ("none": the system\'s CAs)',
    default: (prev.caFile ?? d.caFile) || 'none',
    validate: (v) => v === 'none' || validator(rules.path)(v),
  });
  target.caFile = caFile === 'none' ? '' : caFile;
  if (
    await ask.confirm({
      message: 'Post a notification to a Slack webhook at step 5.1?',
      default: Boolean(prev.notifyWebhookUrl),
    })
  ) {
    const url = await ask.secret({
      message: prev.notifyWebhookUrl ? 'Webhook URL (blank: keep the current one)' : 'Webhook URL',
      validate: (v) => (v === '' && prev.notifyWebhookUrl ? true : validator(rules.url)(v)),
    });
    target.notifyWebhookUrl = url || prev.notifyWebhookUrl;
  } else delete target.notifyWebhookUrl;

  // Offered, not forced: the operator may have no way to install it yet.
  const printSudoers =
    target.useSudo === true &&
    (await ask.confirm({
      message: 'Print the sudoers fragment this target needs (for /etc/sudoers.d) at the end?',
      default: true,
    }));

  const isDefault = !env.existing?.defaultTarget || env.existing.defaultTarget === name;
  const makeDefault =
    isDefault ||
    (await ask.confirm({ message: `Make ${name} the default target?`, default: false }));
  const pruned = withoutDefaults(target);
  const defaultTarget = makeDefault ? name : env.existing?.defaultTarget;
  return {
    name,
    printSudoers,
    target: pruned,
    config: {
      ...(defaultTarget ? { defaultTarget } : {}),
      targets: { ...targets, [name]: pruned as never },
    },
  };
}

/** Drops the answers that equal the runbook's defaults. */
function withoutDefaults(target: TargetInput): TargetInput {
  const out: Record<string, unknown> = { ...target };
  const d = RUNBOOK_DEFAULTS as unknown as Record<string, unknown>;
  for (const key of [
    'appUser',
    'useSudo',
    'serviceName',
    'serviceCtl',
    'proxyService',
    'installCommand',
    'appUrl',
    'publicUrl',
    'caFile',
  ])
    if (out[key] === d[key]) delete out[key];
  const paths = Object.fromEntries(
    Object.entries(target.paths ?? {}).filter(
      ([k, v]) => RUNBOOK_DEFAULTS.paths[k as keyof TargetPaths] !== v,
    ),
  );
  if (Object.keys(paths).length) out.paths = paths;
  else delete out.paths;
  return out as unknown as TargetInput;
}
