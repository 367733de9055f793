/** The last line of the shell prelude every step script starts with (src/steps/shell.ts). */
const PRELUDE_END = /^service_stopped\(\) \{/;
/** The runbook's `echo "=== Section ==="` banners: noise in a two-line command preview. */
const BANNER = /^echo "=+ .* =+"$/;

/**
 * The part of a step's script worth showing: what follows the shared shell
 * prelude (helper functions), without section banners. Values are already
 * resolved and secrets masked by the runner.
 */
export function commandBody(script: string): string[] {
  const lines = script.split('\n');
  const end = lines.findIndex((l) => PRELUDE_END.test(l));
  return lines
    .slice(end + 1)
    .map((l) => l.trim())
    .filter((l) => l && !BANNER.test(l));
}
