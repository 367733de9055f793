import { readMarked } from '../../src/steps/facts.js';
import type { Facts } from '../../src/steps/types.js';

/** A nonce for tests that write step output by hand. */
export const TEST_NONCE = '0f'.repeat(16);

/** Output written as `CVD-FACT key=value` lines, as a step prints them: each fact line carries the nonce. */
export const tagged = (output: string, nonce = TEST_NONCE): string =>
  output.replace(/^CVD-FACT /gm, `CVD-FACT:${nonce} `);

/** The facts of output written as `CVD-FACT key=value` lines, read the way the engine reads them. */
export const factsOf = (output: string | string[]): Facts =>
  readMarked(tagged(Array.isArray(output) ? output.join('\n') : output), TEST_NONCE).facts;
