import { createContext, useContext, useEffect, useReducer, type ReactNode } from 'react';
import type { TuiCore } from './core.js';
import { reducer, type UiState } from './state.js';

export interface TuiContextValue {
  state: UiState;
  core: TuiCore;
}

const TuiContext = createContext<TuiContextValue | undefined>(undefined);

export interface TuiProviderProps {
  core: TuiCore;
  initial: UiState;
  /** Work to start once mounted: resume's settling, rollback's confirmation. */
  begin?: (core: TuiCore) => void | Promise<void>;
  children: ReactNode;
}

/** Holds the wizard's state (a typed reducer) and the core; runs the probes while the phase screen shows. */
export function TuiProvider({ core, initial, begin, children }: TuiProviderProps) {
  const [state, dispatch] = useReducer(reducer, initial);
  useEffect(() => {
    core.bind(dispatch);
    void begin?.(core);
    return () => core.dispose();
    // begin runs once, at mount: it is the command line's request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [core, dispatch]);
  const probing = state.stage === 'phase';
  useEffect(() => (probing ? core.startProbes() : undefined), [core, probing]);
  return <TuiContext.Provider value={{ state, core }}>{children}</TuiContext.Provider>;
}

/** The wizard's state and core; throws outside TuiProvider, where there is neither. */
export function useTui(): TuiContextValue {
  const value = useContext(TuiContext);
  if (!value) throw new Error('useTui must be used inside <TuiProvider>');
  return value;
}
