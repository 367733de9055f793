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

/**
 * Resolves once a prompt that ran before Ink has let go of stdin. Closing
 * inquirer's readline pauses stdin, and Node stops the terminal's reads one
 * tick later (process.stdin's own 'pause' handler) unless the stream is
 * flowing by then. Ink's 'readable' listener does not make it flowing: were
 * Ink to attach it within that tick, the reads would stop under it, for
 * good, with the terminal already raw — every key lost, Ctrl-C too. One
 * turn of the event loop runs every pending tick first.
 */
export const stdinReleased = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
