import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import envPaths from 'env-paths';
import { positionOf, scanJson, withoutBom, type TextPosition } from './json-text.js';
import { ConfigError, resolveTarget, validateConfig } from './validate.js';
import type { ConfigFile, TargetConfig } from './types.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { cli } from '../util/invocation.js';

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
 * Where the config is when no --config is given: where the `conf` package,
 * which cvd-tui used to read it with, kept it (its config directory for the
 * project "cvd-tui" with no suffix, from env-paths: on Linux
 * $XDG_CONFIG_HOME/cvd-tui/config.json, else ~/.config/cvd-tui/config.json),
 * so every config written before is still found. Loading conf (ajv, semver)
 * cost a tenth of the TUI's start-up.
 */
export function defaultConfigPath(): string {
  return resolve(envPaths('cvd-tui', { suffix: '' }).config, 'config.json');
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
  const absolute = resolve(path);
  // The text as read, kept to point at a line and column when something in it is wrong.
  let text = '';
  let raw: unknown;
  try {
    text = withoutBom(readFileSync(absolute, 'utf8'));
    raw = JSON.parse(text);
  } catch (error) {
    throw unreadable(path, text, error);
  }
  try {
    return { file: absolute, config: validateConfig(raw, absolute) };
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

/**
 * Writes a whole config, validated first, as one atomic replacement (an
 * `init` cut short leaves the old file or the new, never half of one): the
 * file 0600, and any directory it creates 0700 (as XDG asks of the config
 * directory). Tab-indented JSON, as conf wrote it.
 */
export function writeConfig(file: string | undefined, config: ConfigFile): string {
  const path = file ? resolve(file) : defaultConfigPath();
  validateConfig(config, path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomically(path, JSON.stringify(config, undefined, '\t'), 0o600);
  return path;
}
