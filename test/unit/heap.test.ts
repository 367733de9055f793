import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * V8's flags are the whole process's, and setFlagsFromString ignores a flag
 * it does not know: each case runs in its own node, measuring the flags'
 * effect rather than trusting them.
 */
function youngGenerationMb(capped: boolean): number {
  const heap = transformSync(readFileSync('src/util/heap.ts', 'utf8'), {
    loader: 'ts',
    format: 'esm',
  }).code;
  const churn = `
    ${capped ? 'keepHeapSmall();' : ''}
    // Garbage with many survivors, handing back to the event loop (where GC entries arrive) as a flood does.
    const kept = [];
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 20_000; i++) {
        kept.push({ i, text: 'line ' + i });
        if (kept.length > 150_000) kept.length = 0;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(young.space_size / 1048576);
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', heap + churn], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

describe('keepHeapSmall', () => {
  it("stops V8's young generation at 16 MB, where it grows to 32 MB otherwise", () => {
    expect(youngGenerationMb(false)).toBe(32);
    expect(youngGenerationMb(true)).toBeLessThanOrEqual(16);
  });
});
