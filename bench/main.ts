/**
 * `npm run bench`: measures cvd-tui on demo targets and prints a table, also
 * written to bench/results.json. Every comparison is a ratio of two medians
 * measured in the same run, alternating, so both sides see the same load.
 *
 *   npm run bench                      all six parts
 *   npm run bench -- --only 2,4        some parts (results.json keeps the others' last results)
 *   npm run bench -- --runs 3          runs per measurement (default 5; the runbook baseline: 3)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchDeploy } from './deploy.js';
import { benchDeployCost } from './deploy-cost.js';
import { benchFlood } from './flood.js';
import { benchHelp } from './help.js';
import { RESULTS } from './paths.js';
import { machine, table, type Part, type Results } from './report.js';
import { benchSsh } from './ssh-overhead.js';
import { benchFirstFrame, benchResume } from './tui-launch.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, runs: { type: 'string' } } });
const runs = Number(values.runs ?? 5);
const only = new Set((values.only ?? '1,2,3,4,5,6').split(',').map((s) => s.trim()));
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a whole number ≥ 1');

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs one part, stamped with when it ran and the machine's load around it. */
async function part<T>(title: string, measure: () => Promise<T>): Promise<Part<T>> {
  log(`\n${title}`);
  const loadBefore = os.loadavg();
  const result = await measure();
  return { ...result, measuredAt: new Date().toISOString(), loadBefore, loadAfter: os.loadavg() };
}

const previous: Results | undefined = existsSync(RESULTS)
  ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Results)
  : undefined;
const results: Results = { machine: machine(), parts: { ...previous?.parts } };
const save = () => writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

if (only.has('1'))
  results.parts.deploy = await part(
    '1. Whole deployment: cvd-tui deploy --headless vs. the runbook by hand',
    () => benchDeploy({ cvdTui: runs, runbook: Math.min(runs, 3) }, log),
  );
save();
if (only.has('2'))
  results.parts.ssh = await part(
    '2. 200 commands over SSH: cvd-tui transport vs. OpenSSH ControlMaster',
    () => benchSsh(runs, log),
  );
save();
if (only.has('3')) {
  results.parts.help = await part('3. Start-up: cvd-tui --help vs. node -e', () =>
    benchHelp(runs, log),
  );
  results.parts.firstFrame = await part('3. Start-up: first frame vs. node printing a line', () =>
    benchFirstFrame(runs, log),
  );
}
save();
if (only.has('4'))
  results.parts.flood = await part('4. Log flood: 200,000 lines in 2.2', () =>
    benchFlood(runs, log),
  );
save();
if (only.has('5'))
  results.parts.resume = await part('5. Launch to Resume with 10,000 past deployments', () =>
    benchResume(runs, 10_000, log),
  );
save();
if (only.has('6'))
  results.parts.deployCost = await part(
    '6. Deployment cost: the floor vs. deploy --headless, local and over SSH',
    () => benchDeployCost(runs, log),
  );
save();

process.stdout.write(`\n${table(results)}\n\nWritten to ${RESULTS}\n`);
