import type { Facts } from './types.js';

const FACT_LINE = /^CVD-FACT ([A-Za-z][A-Za-z0-9_]*)=(.*)$/;

/** Reads the `CVD-FACT key=value` lines a step printed; a later value for a key wins. */
export function parseFacts(output: string): Facts {
  const facts: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const match = FACT_LINE.exec(line.trimEnd());
    if (match) facts[match[1]!] = match[2]!;
  }
  return facts;
}
