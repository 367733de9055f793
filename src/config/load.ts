import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import Conf from 'conf';
import { ConfigError, resolveTarget, validateConfig } from './validate.js';
import type { ConfigFile, TargetConfig } from './types.js';

/** The file the operator chose, or conf's own location when none was. */
function openStore(file: string | undefined): Conf<Record<string, unknown>> {
  const common = {
    configFileMode: 0o600,
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
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

export function readConfig(file: string | undefined): { file: string; config: ConfigFile } {
  if (file && !existsSync(file))
    throw new ConfigError(
      file,
      '(file)',
      'does not exist: run `cvd-tui init` to create a target, or `cvd-tui demo` for a sandbox',
    );
  let store: Conf<Record<string, unknown>>;
  try {
    store = openStore(file);
  } catch (error) {
    throw new ConfigError(
      file ?? 'config',
      '(file)',
      `is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!file && !existsSync(store.path))
    throw new ConfigError(
      store.path,
      '(file)',
      'does not exist: run `cvd-tui init` to create a target, or pass --config',
    );
  return { file: store.path, config: validateConfig(store.store, store.path) };
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
