import { printable } from '../util/text.js';

/**
 * A version must be a plain release tag. `git check-ref-format` is not a
 * safety check (it accepts `$(reboot)`, `a;b`, backticks), so the pattern is
 * strict: letters, digits, dot, dash, underscore, plus; no leading dash or dot,
 * no `..`, at most 64 characters. It must also exist as a tag on the target.
 */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export function versionProblem(version: string): string | undefined {
  if (
    !VERSION.test(version) ||
    version.includes('..') ||
    version.endsWith('.lock') ||
    version.endsWith('.')
  )
    return `"${printable(version)}" is not a release tag: use letters, digits and . _ + - only, such as v1.0.1`;
  return undefined;
}
