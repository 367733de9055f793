import { splitScript } from '../../steps/shell.js';

/** The runbook's `echo "=== Section ==="` banners: noise in a two-line command preview. */
const BANNER = /^echo "=+ .* =+"$/;

/**
 * The part of a step's script worth showing: what follows the shared shell
 * prelude (helper functions), without section banners. Values are already
 * resolved and secrets masked by the runner.
 */
export function commandBody(script: string): string[] {
  return splitScript(script)
    .body.map((l) => l.trim())
    .filter((l) => l && !BANNER.test(l));
}
