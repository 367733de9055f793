import { inert, printable } from '../util/text.js';
import { withDefaults } from './defaults.js';
import type { TextPosition } from './json-text.js';
import { rules, type Rule } from './rules.js';
import type { ConfigFile, TargetConfig, TargetInput } from './types.js';

/** A config that does not validate: names the key, the problem and a right value; where the file is known, its line and column. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly problem: string,
    readonly example?: string,
    readonly position?: TextPosition,
  ) {
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    // Keys come from the file: shown inert, and no longer than any real key path.
    const what = key === '(file)' ? '' : `"${inert(key, { max: 160 })}" `;
    super(
      `${where}: ${what}${problem}` + (example === undefined ? '' : ` (for example: ${example})`),
    );
    this.name = 'ConfigError';
  }

  /** The same error, pointing at a line and column of the file. */
  at(position: TextPosition | undefined): ConfigError {
    return position
      ? new ConfigError(this.file, this.key, this.problem, this.example, position)
      : this;
  }
}

/** A value as a message shows it: its JSON, a short prefix only (a value can be megabytes). */
const shown = (value: unknown): string => printable(JSON.stringify(value) ?? String(value));

/** Rules for every key a target may hold; nested keys use dots. */
const TARGET_RULES: Record<string, Rule> = {
  transport: rules.transport,
  host: rules.host,
  port: rules.port,
  username: rules.name,
  privateKeyPath: rules.path,
  knownHostsPath: rules.path,
  // Added with ssh-config support: "" turns reading an ssh config off.
  sshConfigPath: rules.optionalPath,
  appUser: rules.name,
  useSudo: rules.boolean,
  serviceName: rules.name,
  serviceCtl: rules.command,
  proxyService: rules.optionalName,
  serviceUnitPath: rules.path,
  'paths.app': rules.path,
  'paths.database': rules.path,
  'paths.backups': rules.path,
  'paths.logs': rules.path,
  'paths.config': rules.path,
  'paths.deployments': rules.path,
  installCommand: rules.shellCommand,
  appUrl: rules.url,
  publicUrl: rules.url,
  caFile: rules.optionalPath,
  functionalTestUser: rules.name,
  testPasswordCommand: rules.localCommand,
  notifyWebhookUrl: rules.optionalUrl,
  'thresholds.maxDiskUsedPercent': rules.percent,
  'thresholds.maxMemoryUsedPercent': rules.percent,
  'thresholds.maxCpuPercent': rules.percent,
  'thresholds.backupMaxAgeHours': rules.positive,
  'thresholds.certMinDays': rules.positive,
  'thresholds.minDiskFreePercent': rules.percent,
  'thresholds.maxResponseMs': rules.positive,
  'thresholds.maxErrorRatePercent': rules.percent,
  'thresholds.maxRegressionPercent': rules.positive,
  'timeouts.serviceSeconds': rules.positive,
  'timeouts.healthSeconds': rules.positive,
  'timeouts.stepSeconds': rules.positive,
  keepBackups: rules.positive,
  logWindowSeconds: rules.positive,
};
const SECTIONS = new Set(['paths', 'thresholds', 'timeouts']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the raw file content; throws ConfigError at the first bad key. */
export function validateConfig(raw: unknown, file: string): ConfigFile {
  if (!isObject(raw)) throw new ConfigError(file, '(root)', 'must be a JSON object');
  for (const key of Object.keys(raw)) {
    if (key !== 'defaultTarget' && key !== 'targets' && !key.startsWith('$'))
      throw new ConfigError(
        file,
        key,
        'is not a known key',
        '{"defaultTarget": "prod", "targets": {…}}',
      );
  }
  if (!isObject(raw.targets))
    throw new ConfigError(
      file,
      'targets',
      'must be an object of named targets',
      '{"prod": {"transport": "ssh", …}}',
    );
  for (const [name, target] of Object.entries(raw.targets)) {
    if (!rules.name.test(name))
      throw new ConfigError(file, `targets.${name}`, `name must be ${rules.name.expect}`, 'prod');
    validateTarget(target, file, `targets.${name}`);
  }
  // Object.hasOwn, not `in`: "toString" or "__proto__" must not name a target.
  if (
    raw.defaultTarget !== undefined &&
    !(typeof raw.defaultTarget === 'string' && Object.hasOwn(raw.targets, raw.defaultTarget))
  )
    throw new ConfigError(
      file,
      'defaultTarget',
      'must name one of the targets',
      Object.keys(raw.targets)[0] ?? 'prod',
    );
  return raw as unknown as ConfigFile;
}

function validateTarget(target: unknown, file: string, prefix: string): void {
  if (!isObject(target)) throw new ConfigError(file, prefix, 'must be an object');
  const flat = flatten(target);
  for (const [key, value] of Object.entries(flat)) {
    const rule = TARGET_RULES[key];
    if (!rule) throw new ConfigError(file, `${prefix}.${key}`, 'is not a known key');
    if (!rule.test(value))
      throw new ConfigError(
        file,
        `${prefix}.${key}`,
        `must be ${rule.expect}, got ${shown(value)}`,
        rule.example,
      );
  }
  if (flat.transport === undefined)
    throw new ConfigError(
      file,
      `${prefix}.transport`,
      `is required: ${rules.transport.expect}`,
      'ssh',
    );
  if (flat.transport === 'ssh') {
    // username may come from the ssh config's User (else the local user, as ssh(1) does).
    if (flat.host === undefined)
      throw new ConfigError(
        file,
        `${prefix}.host`,
        'is required for an ssh target',
        rules.host.example,
      );
  }
}

function flatten(target: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (SECTIONS.has(key) && isObject(value)) {
      for (const [inner, v] of Object.entries(value)) flat[`${key}.${inner}`] = v;
    } else flat[key] = value;
  }
  return flat;
}

/** Picks a target by name (or the default) and fills in the runbook's defaults. */
export function resolveTarget(
  config: ConfigFile,
  file: string,
  name?: string,
): { name: string; target: TargetConfig } {
  const chosen =
    name ??
    config.defaultTarget ??
    (Object.keys(config.targets).length === 1 ? Object.keys(config.targets)[0] : undefined);
  if (chosen === undefined)
    throw new ConfigError(
      file,
      'defaultTarget',
      'is not set and there are several targets: pass --target',
      Object.keys(config.targets)[0],
    );
  const input = (Object.hasOwn(config.targets, chosen) ? config.targets[chosen] : undefined) as
    TargetInput | undefined;
  if (!input)
    throw new ConfigError(
      file,
      `targets.${chosen}`,
      `does not exist; targets: ${Object.keys(config.targets).join(', ') || '(none)'}`,
    );
  return { name: chosen, target: withDefaults(input) };
}
