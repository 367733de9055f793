/**
 * The one quoting path for every value interpolated into a remote command.
 * POSIX single quotes leave every byte literal except the quote itself, which
 * is closed, escaped and reopened. NUL cannot be passed in an argument at all,
 * so it is refused rather than silently truncated.
 */
export function shq(value: string | number): string {
  const text = String(value);
  if (text.includes('\0')) throw new Error('a NUL byte cannot be passed to a shell command');
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Tagged template: every interpolated value is quoted; the literal parts are trusted code. */
export function sh(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? shq(values[i]!) : ''),
    '',
  );
}
