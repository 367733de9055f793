import { Box } from 'ink';
import type { ReactNode } from 'react';
import { helpBindings, interruptBinding, type Binding } from '../app/bindings.js';
import { useTui } from '../app/context.js';
import { useBindings } from '../hooks/use-bindings.js';
import { Footer } from './Footer.js';
import { Frame } from './Frame.js';
import { KeyHelp } from './KeyHelp.js';
import { OverlayHost } from './OverlayHost.js';

export interface ScreenLayoutProps {
  /** The screen's one binding list: its key handler, its key bar and its `?` help. */
  bindings: readonly Binding[];
  width: number;
  children: ReactNode;
}

/**
 * Every screen's frame: its content, then the open prompt (OverlayHost) or
 * the footer. The screen's keys are off while a prompt is open; while the
 * help shows, its own keys are on and the screen stays mounted under it
 * (hidden), keeping its cursor and scroll position.
 */
export function ScreenLayout({ bindings, width, children }: ScreenLayoutProps) {
  const { state, core } = useTui();
  const help = state.overlay?.kind === 'help';
  const close = helpBindings(core);
  useBindings(help ? close : bindings, !state.overlay || help);
  return (
    <>
      {help ? (
        <KeyHelp
          bindings={[...bindings, interruptBinding(core, state)]}
          close={close}
          width={width}
        />
      ) : null}
      <Box display={help ? 'none' : 'flex'} flexDirection="column">
        <Frame>
          {children}
          {state.overlay && !help ? (
            <OverlayHost width={width} />
          ) : (
            <Footer bindings={bindings} width={width} />
          )}
        </Frame>
      </Box>
    </>
  );
}
