// Control characters are exactly what these helpers look for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export const hasControlCharacters = (text: string): boolean =>
  new RegExp(CONTROL.source).test(text);

/** Shows control characters visibly in an error message instead of letting them act on the terminal. */
export const printable = (text: string): string =>
  text.slice(0, 80).replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
