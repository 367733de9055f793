/** The placeholder every secret is replaced by. */
export const MASK = '***';

/**
 * Replaces every secret (and each line of a multi-line secret) in text that
 * is about to be shown, stored or exported. Short fragments are ignored:
 * masking every "a" would destroy the output and protect nothing.
 */
export function makeMasker(secrets: readonly (string | undefined)[]): (text: string) => string {
  const pieces = secrets
    .filter((s): s is string => Boolean(s))
    // As written, line by line, and as it reads inside a JSON string (a logged request body).
    .flatMap((s) => [s, ...s.split(/\r?\n/), JSON.stringify(s).slice(1, -1)])
    .map((s) => s.trim())
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  const unique = [...new Set(pieces)];
  if (!unique.length) return (text) => text;
  const pattern = new RegExp(
    unique.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return (text) => text.replace(pattern, MASK);
}
