import { inert, printable } from '../util/text.js';
import { withDefaults } from './defaults.js';
import type { TextPosition } from './json-text.js';
import { rules, type Rule } from './rules.js';
import { isGroupEntry, type ConfigFile, type TargetConfig, type TargetInput } from './types.js';

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
    if (isGroupEntry(target)) validateGroup(target, raw.targets, file, `targets.${name}`);
    else validateTarget(target, file, `targets.${name}`);
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

/** The counts of a group entry: each a whole number in its range for a group of `size` members. */
const GROUP_COUNTS: Record<
  string,
  { min: number; max: (size: number) => number; example: string }
> = {
  canary: { min: 0, max: (size) => size, example: '1' },
  batchSize: { min: 1, max: (size) => size, example: '2' },
  maxFailures: { min: 0, max: (size) => Math.max(0, size - 1), example: '0' },
};

/** A group entry: members that are targets of this config (never groups), each once; sane counts. */
function validateGroup(
  entry: object,
  targets: Record<string, unknown>,
  file: string,
  prefix: string,
): void {
  const group = entry as Record<string, unknown>;
  for (const key of Object.keys(group))
    if (key !== 'group' && !Object.hasOwn(GROUP_COUNTS, key))
      throw new ConfigError(
        file,
        `${prefix}.${key}`,
        'is not a known key of a group (group, canary, batchSize, maxFailures)',
      );
  const members = group.group;
  if (!Array.isArray(members) || members.length === 0)
    throw new ConfigError(
      file,
      `${prefix}.group`,
      'must be a non-empty list of target names',
      '["web1", "web2", "web3"]',
    );
  members.forEach((member: unknown, i) => {
    const key = `${prefix}.group.${i}`;
    if (typeof member !== 'string' || !Object.hasOwn(targets, member))
      throw new ConfigError(
        file,
        key,
        `must name a target of this config, got ${shown(member)}`,
        Object.keys(targets).find((t) => !isGroupEntry(targets[t])) ?? 'web1',
      );
    if (isGroupEntry(targets[member]))
      throw new ConfigError(file, key, `names the group "${member}": a group holds targets only`);
    if (members.indexOf(member) !== i)
      throw new ConfigError(file, key, `names "${member}" a second time`);
  });
  for (const [key, count] of Object.entries(GROUP_COUNTS)) {
    const value = group[key];
    const max = count.max(members.length);
    if (
      value !== undefined &&
      !(Number.isInteger(value) && (value as number) >= count.min && (value as number) <= max)
    )
      throw new ConfigError(
        file,
        `${prefix}.${key}`,
        `must be a whole number from ${count.min} to ${max} for a group of ${members.length}, got ${shown(value)}`,
        count.example,
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
  if (isGroupEntry(input))
    throw new ConfigError(
      file,
      `targets.${chosen}`,
      `is a group of targets (${input.group.join(', ')}): this command takes one target, so pass one member's name (deploy, resume, rollback, --plan, export, history, doctor, monitor and recover take --target ${chosen})`,
    );
  return { name: chosen, target: withDefaults(input) };
}
