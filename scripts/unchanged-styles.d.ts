export function unchangedStyles(
  from: readonly { code: string; endCode: string }[],
  to: readonly { code: string; endCode: string }[],
): boolean;
