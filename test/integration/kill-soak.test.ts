/**
 * `kill -9` and SIGINT at random instants of a headless deploy (the first
 * second included, where the locks are taken): every deployment, after
 * resume, ends exactly like an uninterrupted one, no mutating step finished
 * twice, no lock left behind. `npm test` runs a small sample;
 * `npm run soak` runs 50 instants (SOAK_INSTANTS, SOAK_SEED) and prints the table.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortLogWindow } from '../helpers/crash.js';
import { freshDemo, type DemoHandle } from '../helpers/demo.js';
import { instants, soakInstant, table, type InstantOutcome } from '../helpers/soak.js';

const COUNT = Number(process.env.SOAK_INSTANTS ?? 4);
const SEED = Number(process.env.SOAK_SEED ?? 11);
/** About an uninterrupted headless deploy's length on the demo with a 1 s log window. */
const DEPLOY_MS = 9000;

let demo: DemoHandle;
const outcomes: InstantOutcome[] = [];

beforeAll(async () => {
  demo = await freshDemo();
  shortLogWindow(demo.configPath);
});
afterAll(async () => {
  if (COUNT > 6) process.stdout.write(`\n${table(outcomes)}\n`);
  await demo?.cleanup();
});

describe('killed at random instants, then resumed', () => {
  it.each(instants(COUNT, SEED, DEPLOY_MS))(
    '$signal at $afterMs ms ends like an uninterrupted deploy',
    async (instant) => {
      const outcome = await soakInstant(demo, instant);
      outcomes.push(outcome);
      // Row by row as well: a soak stopped early still leaves its table so far.
      if (process.env.SOAK_REPORT) writeFileSync(process.env.SOAK_REPORT, `${table(outcomes)}\n`);
      expect(outcome.problems).toEqual([]);
    },
    180_000,
  );
});
