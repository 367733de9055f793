import { hostname, userInfo } from 'node:os';
import type { LoadedTarget } from '../config/load.js';
import { defaultStatePath, StateUnusable, type OpenOptions } from '../state/open.js';
import { StateStore } from '../state/store.js';
import { hasControlCharacters, printable } from '../util/text.js';
import { InputError } from '../util/exit.js';
import type { Transport } from '../transport/types.js';
import type { EngineContext } from '../engine/context.js';
import { targetOf } from './target.js';

/** The command-line options a session is opened from (`--config`, `--target`, `--operator`, `--state`). */
export interface SessionOptions {
  config?: string;
  target?: string;
  operator?: string;
  state?: string;
}

/** What every command that touches a target needs: its config, the state store, who is operating. */
export interface Session extends LoadedTarget, StateSession {}

/** Operator names are stored as data and never reach a shell; still, control characters are refused. */
function operatorName(given: string | undefined): string {
  const name = given ?? process.env.USER ?? userInfo().username;
  if (!name || name.length > 64 || hasControlCharacters(name))
    throw new InputError(
      `operator "${printable(name)}" is not a usable name: pass --operator with a plain name`,
    );
  return name;
}

/** Who operates, from where, with which state database: all a fleet's hosts share one. */
export interface StateSession {
  store: StateStore;
  operator: string;
  jumpHost: string;
}

export function openState(options: SessionOptions, open: OpenOptions = {}): StateSession {
  const operator = operatorName(options.operator);
  let store: StateStore;
  try {
    store = StateStore.open(options.state ?? defaultStatePath(), open);
  } catch (error) {
    if (error instanceof StateUnusable) throw new InputError(error.message);
    throw error;
  }
  return { store, operator, jumpHost: hostname() };
}

export function openSession(options: SessionOptions, open: OpenOptions = {}): Session {
  const loaded = targetOf(options);
  return { ...loaded, ...openState(options, open) };
}

/** The session as the engine's workflows and the TUI take it: who, where, with which store and connection. */
export const engineContext = (session: Session, transport: Transport): EngineContext => ({
  store: session.store,
  transport,
  target: session.target,
  targetName: session.name,
  operator: session.operator,
  jumpHost: session.jumpHost,
});
