import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import Conf from 'conf';
import envPaths from 'env-paths';
import { positionOf, scanJson, withoutBom, type TextPosition } from './json-text.js';
import { ConfigError, resolveTarget, validateConfig } from './validate.js';
import type { ConfigFile, TargetConfig } from './types.js';
import { cli } from '../util/invocation.js';

type Parse = (text: string) => Record<string, unknown>;

/** The file the operator chose, or conf's own location when none was. */
function openStore(
  file: string | undefined,
  deserialize: Parse = (text) => JSON.parse(withoutBom(text)) as Record<string, unknown>,
): Conf<Record<string, unknown>> {
  const common = {
    configFileMode: 0o600,
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
    deserialize,
  };
  if (!file) return new Conf({ ...common, projectName: 'cvd-tui', projectSuffix: '' });
  const absolute = resolve(file);
  const extension = extname(absolute);
  return new Conf({
    ...common,
    cwd: dirname(absolute),
    configName: basename(absolute, extension),
    fileExtension: extension.slice(1),
  });
}

export interface LoadedTarget {
  file: string;
  name: string;
  target: TargetConfig;
}

/** Reads, validates and resolves one target; throws ConfigError naming the key. */
export function loadTarget(file: string | undefined, targetName?: string): LoadedTarget {
  const config = readConfig(file);
  return { file: config.file, ...resolveTarget(config.config, config.file, targetName) };
}

/**
 * Where conf keeps the config when no --config is given, worked out as conf
 * does (env-paths) without opening conf, which creates the directory as it
 * opens a file that is not there: reading never creates anything.
 */
export function defaultConfigPath(): string {
  return join(envPaths('cvd-tui', { suffix: '' }).config, 'config.json');
}

export function readConfig(file: string | undefined): { file: string; config: ConfigFile } {
  const path = file ?? defaultConfigPath();
  if (!existsSync(path))
    throw new ConfigError(
      path,
      '(file)',
      file
        ? `does not exist: run \`${cli('init')}\` to create a target, or \`${cli('demo --dir <dir>')}\` for a sandbox`
        : `does not exist (no --config given, so this default was read): run \`${cli('init')}\` to create a target, or pass --config <file>`,
    );
  // The text as read, kept to point at a line and column when something in it is wrong.
  let text = '';
  let store: Conf<Record<string, unknown>>;
  try {
    store = openStore(
      path,
      (raw) => JSON.parse((text = withoutBom(raw))) as Record<string, unknown>,
    );
  } catch (error) {
    throw unreadable(path, text, error);
  }
  try {
    return { file: store.path, config: validateConfig(store.store, store.path) };
  } catch (error) {
    if (error instanceof ConfigError) throw error.at(keyPosition(text, error.key));
    throw error;
  }
}

/** Why a config file could not be read or parsed, in words that quote none of it. */
function unreadable(file: string, text: string, error: unknown): unknown {
  const { code } = error as NodeJS.ErrnoException;
  if (code)
    return new ConfigError(
      file,
      '(file)',
      `cannot be read (${code}): check that it is a file you may read`,
    );
  if (!(error instanceof SyntaxError)) return error;
  const syntax = scanJson(text).error;
  return new ConfigError(
    file,
    '(file)',
    `is not valid JSON: it ${syntax?.problem ?? 'does not parse'}`,
    undefined,
    syntax && positionOf(text, syntax.offset),
  );
}

/** Where a key (or, for a missing one, the object that lacks it) is in the file. */
function keyPosition(text: string, key: string): TextPosition | undefined {
  const { keys } = scanJson(text);
  for (let path = key; path; path = path.slice(0, Math.max(0, path.lastIndexOf('.')))) {
    const offset = keys.get(path);
    if (offset !== undefined) return positionOf(text, offset);
  }
  return undefined;
}

/** Writes a whole config (validated first), creating its directory 0700 and the file 0600. */
export function writeConfig(file: string | undefined, config: ConfigFile): string {
  const target = file ? resolve(file) : undefined;
  if (target) mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const store = openStore(target);
  validateConfig(config, store.path);
  store.store = config as unknown as Record<string, unknown>;
  return store.path;
}
