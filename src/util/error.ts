/** What a caught value says: an Error's message, or the value itself (`throw 'x'` throws no Error). */
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Whether a caught value is an Error of this `name` (`TimeoutError`, `ExitPromptError`, …). */
export const isErrorNamed = (error: unknown, name: string): boolean =>
  error instanceof Error && error.name === name;
