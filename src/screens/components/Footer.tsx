import { Box } from 'ink';
import { Text } from './Text.js';
import { useTui } from '../app/context.js';
import { confirmed, declined, reasonGiven } from '../intents/overlay.js';
import { color } from './theme.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { KeyBar, type KeyHint } from './KeyBar.js';
import { ReasonPrompt } from './ReasonPrompt.js';

/** The footer's height: every screen reserves it. */
export const FOOTER_ROWS = 2;

/**
 * Two lines at the bottom of every screen: a prompt when one is open
 * (question, then input), else the latest notice or what is running, then
 * the keys of this screen.
 */
export function Footer({ hints, width }: { hints: readonly KeyHint[]; width: number }) {
  const { state, core } = useTui();
  const overlay = state.overlay;
  if (overlay?.kind === 'confirm')
    return (
      <Box flexDirection="column" height={FOOTER_ROWS}>
        <ConfirmPrompt
          question={overlay.question}
          onYes={() => confirmed(core, state, overlay)}
          onNo={() => declined(core, overlay)}
        />
        <Text color={color('muted')}>y confirm · n or Esc cancel</Text>
      </Box>
    );
  if (overlay?.kind === 'reason')
    return (
      <Box flexDirection="column" height={FOOTER_ROWS}>
        {/* Keyed: the next prompt (issues, then resolution) starts with an empty input. */}
        <ReasonPrompt
          key={overlay.intent}
          prompt={overlay.prompt}
          optional={overlay.optional}
          onSubmit={(reason) => reasonGiven(core, state, overlay, reason)}
          onCancel={() => core.dispatch({ type: 'close-overlay' })}
        />
      </Box>
    );
  const notice = state.notice;
  return (
    <Box flexDirection="column" height={FOOTER_ROWS}>
      {notice ? (
        <Text
          color={color(notice.tone === 'ok' ? 'ok' : notice.tone === 'error' ? 'error' : 'info')}
          wrap="truncate-end"
        >
          {notice.text}
        </Text>
      ) : state.busy ? (
        <Text color={color('warn')} wrap="truncate-end">
          … {state.busy}
        </Text>
      ) : (
        <Text> </Text>
      )}
      <KeyBar hints={hints} width={width} />
    </Box>
  );
}
