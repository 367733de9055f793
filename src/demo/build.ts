import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { writeConfig } from '../config/load.js';
import { isSafePath } from '../config/rules.js';
import { errorMessage } from '../util/error.js';
import type { ConfigFile, TargetConfig, TargetInput } from '../config/types.js';
import { createDatabase } from './database.js';
import {
  freePortPair,
  installCvdctl,
  installTestPassword,
  writeCertificate,
  writeEnv,
  writeUnitFile,
} from './files.js';
import { buildRepository } from './git.js';
import { demoLayout, MARKER, type DemoLayout } from './layout.js';
import { startDemoService, stopDemoService } from './service.js';

export { stopDemoService };

/** A built and running demo target. */
export interface DemoTarget {
  /** The demo's home, absolute. */
  dir: string;
  /** `<dir>/cvd-tui.json`, whose default target `demo` points at the demo. */
  configPath: string;
  /** The app's plain HTTP port on 127.0.0.1 (appUrl). */
  appPort: number;
  /** The app's HTTPS port on 127.0.0.1 (publicUrl, https://localhost:port). */
  httpsPort: number;
}

/**
 * Builds a local stand-in of the CVD production server under `dir` and
 * starts v1.0.0 on it. A directory that already holds a demo is stopped and
 * rebuilt; any other non-empty directory is refused.
 */
export async function buildDemoTarget(dir: string): Promise<DemoTarget> {
  const root = resolve(dir);
  // Every path in the config must pass the same rule as a real target's.
  if (!isSafePath(root))
    throw new Error(`demo directory ${root} must be an absolute path of letters, digits and ._@+-`);
  await prepareDirectory(root);
  const layout = demoLayout(root);
  try {
    const { data, backups, logs, tls, etc, run, deployments, bin } = layout;
    for (const d of [data, backups, logs, tls, etc, run, deployments, bin])
      await mkdir(d, { recursive: true });
    await buildRepository(layout);
    await createDatabase(layout);
    await writeCertificate(layout);
    await writeUnitFile(layout);
    await installCvdctl(layout);
    await installTestPassword(layout);
    const [appPort, httpsPort] = await startOnFreePorts(layout);
    const configPath = writeConfig(layout.configFile, demoConfig(layout, appPort, httpsPort));
    return { dir: root, configPath, appPort, httpsPort };
  } catch (error) {
    await stopDemoService(root).catch(() => undefined);
    throw error;
  }
}

/** How often the app may find a port taken before the build gives up. */
const PORT_ATTEMPTS = 3;

/**
 * Starts the app on two ports that were free when picked. One may be taken
 * before the app binds it (any outgoing connection's local port comes from
 * the same range): the app then logs EADDRINUSE and exits, and new ports are
 * picked. Any other failure ends the build, quoting the app's log.
 */
async function startOnFreePorts(layout: DemoLayout): Promise<[number, number]> {
  const errorLog = join(layout.logs, 'error.log');
  for (let attempt = 1; ; attempt++) {
    const [appPort, httpsPort] = await freePortPair();
    await writeEnv(layout, appPort, httpsPort);
    try {
      await startDemoService(layout, appPort);
      return [appPort, httpsPort];
    } catch (error) {
      if (attempt === PORT_ATTEMPTS || !errorMessage(error).includes('EADDRINUSE')) throw error;
      await stopDemoService(layout.root);
      // The next attempt's failure must be read from its own lines only.
      await writeFile(errorLog, '');
    }
  }
}

/**
 * Leaves `root` existing and empty. The marker, not cvd-tui.json, decides
 * what may be wiped: a directory may hold an operator's own cvd-tui.json.
 */
async function prepareDirectory(root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  const entries = await readdir(root);
  if (entries.length > 0) {
    if (!entries.includes(MARKER))
      throw new Error(
        `${root} is not empty and is not a cvd-tui demo (it has no ${MARKER}); refusing to overwrite it: choose a new or empty directory`,
      );
    await stopDemoService(root);
    // Empty it rather than remove it: it may be the operator's working directory.
    await Promise.all(
      entries.map((entry) => rm(join(root, entry), { recursive: true, force: true })),
    );
  }
  await writeFile(join(root, MARKER), `cvd-tui demo target, built ${new Date().toISOString()}\n`);
}

function demoConfig(layout: DemoLayout, appPort: number, httpsPort: number): ConfigFile {
  const demo: TargetInput = {
    transport: 'local',
    appUser: userInfo().username,
    useSudo: false,
    serviceName: 'cvd',
    serviceCtl: layout.cvdctl,
    proxyService: '',
    serviceUnitPath: layout.unit,
    paths: {
      app: layout.app,
      database: layout.database,
      backups: layout.backups,
      logs: layout.logs,
      config: layout.config,
      deployments: layout.deployments,
    },
    // The app needs no install step; this at least proves the checkout parses.
    installCommand: 'node --check server.mjs',
    appUrl: `http://127.0.0.1:${appPort}`,
    publicUrl: `https://localhost:${httpsPort}`,
    caFile: layout.cert,
    testPasswordCommand: layout.testPassword,
    // A sandbox has no traffic worth watching for the runbook's 2 minutes.
    logWindowSeconds: 3,
  };
  // The file holds target inputs; the runbook's defaults fill the rest on load.
  return { defaultTarget: 'demo', targets: { demo: demo as TargetConfig } };
}
