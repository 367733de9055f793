import { Box } from 'ink';
import { useTui } from '../app/context.js';
import { confirmed, declined, reasonGiven } from '../intents/overlay.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { FOOTER_ROWS } from './Footer.js';
import { ReasonPrompt } from './ReasonPrompt.js';
import { ServiceDownPrompt } from './ServiceDownPrompt.js';

/**
 * The open prompt, in the footer's rows: a yes/no question or a reason to
 * type. It has the keyboard to itself (the screen's keys are off while an
 * overlay is open). The help overlay is a whole screen: ScreenLayout shows it.
 */
export function OverlayHost({ width }: { width: number }) {
  const { state, core } = useTui();
  const overlay = state.overlay;
  if (!overlay) return null;
  switch (overlay.kind) {
    case 'help':
      return null;
    case 'down':
      return (
        <Box flexDirection="column" height={FOOTER_ROWS}>
          <ServiceDownPrompt target={overlay.target} via={overlay.via} width={width} />
        </Box>
      );
    case 'confirm':
      return (
        <Box flexDirection="column" height={FOOTER_ROWS}>
          <ConfirmPrompt
            question={overlay.question}
            onYes={() => confirmed(core, state, overlay)}
            onNo={() => declined(core, overlay)}
            width={width}
          />
        </Box>
      );
    case 'reason':
      return (
        <Box flexDirection="column" height={FOOTER_ROWS}>
          {/* Keyed: the next prompt (issues, then resolution) starts with an empty input. */}
          <ReasonPrompt
            key={overlay.intent}
            prompt={overlay.prompt}
            optional={overlay.optional}
            draft={overlay.draft}
            onSubmit={(reason) => reasonGiven(core, state, overlay, reason)}
            onCancel={() => core.dispatch({ type: 'close-overlay' })}
          />
        </Box>
      );
  }
}
