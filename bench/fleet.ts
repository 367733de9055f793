/**
 * Fleet rollout cost (issue 16): the wall time of `deploy --headless` of
 * v1.0.1 to three demo targets as one group with `canary: 0, batchSize: 3`
 * (all three side by side) against the same deploy to one target alone,
 * alternating so both see the same load (goal: ≤ 1.5×). Then a transcript
 * of a three-host rollout of v1.0.2 (canary 1, batchSize 2) halted at the
 * canary. Not part of `npm run bench`'s table:
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench/bench/fleet.js [--runs N]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cvdTui, ensureOk } from './process.js';
import { sandbox, type Sandbox } from './sandbox.js';
import { sample } from './stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Three fresh demo targets as web1…web3 of one config with a group `web`, one state database. */
async function fleetOf(group: { canary: number; batchSize: number }): Promise<{
  demos: Sandbox[];
  flags: string[];
}> {
  const demos = await Promise.all([sandbox(), sandbox(), sandbox()]);
  const targets: Record<string, unknown> = {};
  demos.forEach((demo, i) => {
    targets[`web${i + 1}`] = JSON.parse(readFileSync(demo.configPath, 'utf8')).targets.demo;
  });
  targets.web = { group: ['web1', 'web2', 'web3'], maxFailures: 0, ...group };
  const config = join(demos[0]!.dir, 'fleet.json');
  writeFileSync(config, JSON.stringify({ targets }, null, 2));
  return {
    demos,
    flags: [
      '--config',
      config,
      '--state',
      join(demos[0]!.dir, 'fleet-state.db'),
      '--target',
      'web',
    ],
  };
}

const deploy = (version: string, flags: string[]) =>
  cvdTui(['deploy', '--headless', '--confirm-all', '--version', version, ...flags]);

const alone: number[] = [];
const three: number[] = [];
for (let i = 0; i < runs; i++) {
  const one = await sandbox();
  try {
    const run = ensureOk('one target', await deploy('v1.0.1', one.flags));
    alone.push(run.ms);
    log(`one target:   ${(run.ms / 1000).toFixed(1)} s`);
  } finally {
    await one.cleanup();
  }
  const fleet = await fleetOf({ canary: 0, batchSize: 3 });
  try {
    const run = ensureOk('three hosts', await deploy('v1.0.1', fleet.flags));
    three.push(run.ms);
    log(`three hosts:  ${(run.ms / 1000).toFixed(1)} s`);
  } finally {
    await Promise.all(fleet.demos.map((d) => d.cleanup()));
  }
}
const one = sample(alone.map((ms) => ms / 1000));
const all = sample(three.map((ms) => ms / 1000));
process.stdout.write(
  `one target alone: median ${one.median} s (${alone.length} runs)\n` +
    `three hosts, batchSize 3: median ${all.median} s (${three.length} runs)\n` +
    `ratio: ${(all.median / one.median).toFixed(2)}× (goal ≤ 1.5×)\n\n`,
);

const halted = await fleetOf({ canary: 1, batchSize: 2 });
try {
  const run = await deploy('v1.0.2', halted.flags);
  process.stdout.write(
    `$ cvd-tui deploy --target web --version v1.0.2 --headless --confirm-all\n${run.stdout}${run.stderr}(exit ${run.code})\n`,
  );
} finally {
  await Promise.all(halted.demos.map((d) => d.cleanup()));
}
