/** The exit codes operators' scripts rely on (DESIGN: CLI). */
export const EXIT = {
  /** Done and verified. */
  ok: 0,
  /** A step failed: the deployment is paused and resumable. */
  stepFailed: 1,
  /** verify: the signature, the log or the state database's record does not hold. */
  notVerified: 1,
  /** Bad input: usage, config, version, host key, lock held. */
  badInput: 2,
  /** Interrupted by a signal: state saved, resumable. */
  interrupted: 130,
} as const;

/** An error that ends the command with exit 2 and a message that says what to do. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A command run on several hosts ends with the worst of their codes (interrupted, bad input, failed, ok). */
export const worstExit = (codes: readonly number[]): number => Math.max(EXIT.ok, ...codes);
