/** The message for a stdin or stdout that is not a terminal (DESIGN: the TUI needs one). */
export const NOT_A_TERMINAL =
  'cvd-tui: this is not a terminal; use --headless (with --confirm-all) for automation\n';

export const isInteractive = (
  stdin: NodeJS.ReadStream = process.stdin,
  stdout: NodeJS.WriteStream = process.stdout,
): boolean => Boolean(stdin.isTTY && stdout.isTTY);

/**
 * The alternate screen: the TUI gets the whole terminal and, on the way out
 * (quit, crash, signal), the operator's scrollback comes back untouched, with
 * cvd-tui's last words printed below it.
 */
export function enterAlternateScreen(stdout: NodeJS.WriteStream = process.stdout): () => void {
  let active = true;
  stdout.write('\u001b[?1049h\u001b[H');
  const leave = () => {
    if (!active) return;
    active = false;
    // Also shows the cursor: Ink hides it while rendering.
    stdout.write('\u001b[?1049l\u001b[?25h');
  };
  // A signal handler calls process.exit; 'exit' listeners still run, synchronously.
  process.once('exit', leave);
  return leave;
}
