/**
 * Read-only steps run straight over exec, not under the journal, so nothing
 * on the target outlives their exec by design: when the operator interrupts
 * cvd-tui (Ctrl-C, a signal), their processes there are ended before it
 * exits, instead of a hung `cvdctl status` staying behind. Process-wide, as
 * signals are. Journaled steps never take part: they are meant to go on.
 */
const controller = new AbortController();
const inFlight = new Set<Promise<unknown>>();

/** Runs work that an interrupt ends through `signal`; the interrupt waits for it to settle. */
export function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const running = work(controller.signal);
  const tracked: Promise<unknown> = running
    .catch(() => undefined) // the caller handles its own failure
    .finally(() => inFlight.delete(tracked));
  inFlight.add(tracked);
  return running;
}

/** Whether `interruptAll` has been called: work that ends now ended because of it. */
export const interrupted = (): boolean => controller.signal.aborted;

/**
 * Aborts every interruptible piece of work and waits until each has ended
 * (the transports end the remote processes before they settle), at most
 * `withinMs`: a frozen target must not keep cvd-tui from exiting. `say`
 * tells the operator why the exit waits, so a pause is not met with another
 * Ctrl-C, which would exit at once.
 */
export async function interruptAll(
  say: (line: string) => void = () => undefined,
  withinMs = 15_000,
): Promise<void> {
  controller.abort();
  if (inFlight.size === 0) return;
  say("Ending the read-only step's processes on the target…");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...inFlight]),
    new Promise((resolve) => (timer = setTimeout(resolve, withinMs))),
  ]);
  clearTimeout(timer);
}
