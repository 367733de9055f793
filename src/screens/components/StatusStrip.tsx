import { Box } from 'ink';
import { Fragment } from 'react';
import type { TargetState } from '../../engine/target-state.js';
import { useNow } from '../hooks/use-now.js';
import { fitStrip, STRIP_SEPARATOR, stripParts } from './strip-text.js';
import { Text } from './Text.js';
import { color } from './theme.js';

/** The strip's height: the screens that show it reserve it. */
export const STRIP_ROWS = 1;

export interface StatusStripProps {
  /** The deployment's record of the target; absent: no deployment (the start screen). */
  state: TargetState | undefined;
  serviceName: string;
  /** The version checked out as preflight saw it, when there is no deployment. */
  code?: string;
  width: number;
}

/**
 * One line, always shown on the phase, rollback and start screens: the
 * service (DOWN with a live counter while it is), the code checked out,
 * the database, whether a rollback can run, who holds the lock.
 */
export function StatusStrip({ state, serviceName, code, width }: StatusStripProps) {
  const now = useNow(state?.downSince !== undefined);
  const parts = stripParts(state, { serviceName, now, code });
  const texts = fitStrip(parts, width);
  return (
    <Box width={width} height={STRIP_ROWS}>
      <Text wrap="truncate-end">
        {texts.map((text, i) => (
          <Fragment key={i}>
            {i ? <Text color={color('muted')}>{STRIP_SEPARATOR}</Text> : null}
            <Text color={parts[i]!.tone && color(parts[i]!.tone!)} bold={parts[i]!.bold}>
              {text}
            </Text>
          </Fragment>
        ))}
      </Text>
    </Box>
  );
}
