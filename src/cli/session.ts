import { hostname, userInfo } from 'node:os';
import { loadTarget, type LoadedTarget } from '../config/load.js';
import { ConfigError } from '../config/validate.js';
import { defaultStatePath } from '../state/open.js';
import { StateStore } from '../state/store.js';
import { printable } from '../steps/version.js';
import { InputError } from './exit.js';
import type { ParsedArgs } from './args.js';

/** What every command that touches a target needs: its config, the state store, who is operating. */
export interface Session extends LoadedTarget {
  store: StateStore;
  operator: string;
  jumpHost: string;
}

/** Operator names are stored as data and never reach a shell; still, control characters are refused. */
function operatorName(given: string | undefined): string {
  const name = given ?? process.env.USER ?? userInfo().username;
  if (!name || name.length > 64 || /[\u0000-\u001f\u007f-\u009f]/.test(name))
    throw new InputError(`operator "${printable(name)}" is not a usable name: pass --operator with a plain name`);
  return name;
}

export function openSession(options: ParsedArgs['options']): Session {
  let loaded: LoadedTarget;
  try {
    loaded = loadTarget(options.config, options.target);
  } catch (error) {
    if (error instanceof ConfigError) throw new InputError(error.message);
    throw error;
  }
  const operator = operatorName(options.operator);
  const store = StateStore.open(options.state ?? defaultStatePath());
  return { ...loaded, store, operator, jumpHost: hostname() };
}

/** A short, sortable, shell-safe deployment id in the runbook's DEPLOYMENT_DATE format. */
export function newDeploymentId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return `${stamp}_${Math.random().toString(16).slice(2, 6)}`;
}
