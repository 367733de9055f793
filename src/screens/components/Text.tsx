// The one place Ink's Text is used directly: everything else renders through this one.
// eslint-disable-next-line no-restricted-imports
import { Text as InkText, type TextProps } from 'ink';
import { Children } from 'react';
import { inert, LINE_MAX } from '../../util/text.js';

/**
 * Ink's Text, with every string it is given made inert first (control
 * characters and escape sequences shown as `\x1b`…), so that text from the
 * target, the app or a config file can never set the terminal's title, write
 * its clipboard or clear it. The data is sanitised, not Ink's frame: the
 * styling Ink adds afterwards is ours and stays.
 */
export function Text({ children, ...props }: TextProps) {
  return (
    <InkText {...props}>
      {Children.map(children, (child) =>
        typeof child === 'string' ? inert(child, { lines: true, max: LINE_MAX }) : child,
      )}
    </InkText>
  );
}
