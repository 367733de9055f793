/** Doctor checks of the machine: tools, disk, the deploy lock (sudo: sudo.ts, paths: paths.ts). */
import { hostname } from 'node:os';
import { DEPLOYMENT_ID } from '../engine/deployment.js';
import { describeHolder, isStale, lockDir, parseToken } from '../engine/lock.js';
import { targetShell } from '../steps/shell.js';
import { df, diskUsedPercent, parseDisk } from '../shell/measure.js';
import { sh } from '../shell/quote.js';
import { processAlive } from '../util/process.js';
import { fail, pass, type RemoteCheck } from './types.js';
import { cli } from '../util/invocation.js';

const TOOLS = ['sqlite3', 'git', 'curl', 'openssl'] as const;

export const toolsCheck: RemoteCheck = {
  script: (target) =>
    targetShell(target).script(
      ...TOOLS.map(
        (tool) => `command -v ${tool} >/dev/null 2>&1 && fact tool_${tool} "$(command -v ${tool})"`,
      ),
    ),
  judge: (facts) =>
    TOOLS.map((tool) => {
      const where = facts[`tool_${tool}`];
      return where
        ? { name: `tool ${tool}`, ...pass(`found at ${where}`) }
        : {
            name: `tool ${tool}`,
            ...fail(
              `${tool} is not installed (the runbook's steps use it)`,
              `install it on the target, e.g. apt-get install ${tool}`,
            ),
          };
    }),
};

export const diskCheck: RemoteCheck = {
  script: (target) => {
    const t = targetShell(target);
    // df only measures: as the login user, else as the app user when a 0750 tree hides paths.app.
    const app = df(target.paths.app);
    return t.script(
      `fact diskUsedPercent "$(${diskUsedPercent(`{ ${app} || ${t.asApp(app)}; } 2>/dev/null`)})"`,
    );
  },
  judge: (facts, target) => {
    const [used] = parseDisk(facts.diskUsedPercent);
    const min = target.thresholds.minDiskFreePercent;
    if (used === undefined)
      return [
        {
          name: 'disk',
          ...fail(
            `could not measure free disk at ${target.paths.app}`,
            'check that paths.app exists on the target',
          ),
        },
      ];
    const free = 100 - used;
    return [
      free > min
        ? { name: 'disk', ...pass(`${free}% free on ${target.paths.app} (minimum ${min}%)`) }
        : {
            name: 'disk',
            ...fail(
              `only ${free}% free on ${target.paths.app} (minimum ${min}%)`,
              'free space (old backups in paths.backups, logs) before deploying',
            ),
          },
    ];
  },
};

/** What the lock row tells the operator to do with the deployment `deploymentId` that holds the lock. */
export type LockAdvice = (deploymentId: string) => string;

/** Without knowing more: finish the deployment itself, on this target. */
export const plainLockAdvice =
  (targetName: string): LockAdvice =>
  (id) =>
    `finish that deployment (${cli(`resume ${id} --target ${targetName}`)} or ${cli(`rollback ${id} --target ${targetName}`)})`;

/** The deploy lock: held, by whom, and (`advise`) how to finish what holds it. */
export const lockCheck = (advise: LockAdvice): RemoteCheck => ({
  script: (target) => {
    const dir = lockDir(target.paths.deployments);
    const t = targetShell(target);
    // As the app user, who owns paths.deployments: to anyone else a held lock may be invisible.
    return t.script(
      t.asApp(sh`if [ -d ${dir} ]; then echo locked; cat -- ${dir + '/owner'} 2>/dev/null; fi`),
    );
  },
  judge: (_facts, target, output) => {
    if (!output.startsWith('locked'))
      return [{ name: 'deploy lock', ...pass(`not held (${lockDir(target.paths.deployments)})`) }];
    const holder = parseToken(output.slice('locked'.length).trim());
    const stale = isStale(holder, { jumpHost: hostname(), alive: processAlive });
    // The owner file is the target's text: only a real deployment id goes into a command to paste.
    const id = holder && DEPLOYMENT_ID.test(holder.deploymentId) ? holder.deploymentId : 'ID';
    return [
      {
        name: 'deploy lock',
        ...fail(
          `held by ${describeHolder(holder, stale)}`,
          `${advise(id)}; if its process is gone, --take-over-lock`,
        ),
      },
    ];
  },
});
