/**
 * The built product, the code bin/cvd-tui.js runs: modules are loaded from
 * dist/ (`npm run bench` builds it first), typed by their sources. A compiled
 * copy of src/ beside the bench would not find the demo's assets, and would
 * not be what an operator runs.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

const built = <T>(path: string) =>
  import(pathToFileURL(join(ROOT, 'dist', path)).href) as Promise<T>;

export const { buildDemoTarget, stopDemoService } =
  await built<typeof import('../src/demo/build.js')>('demo/build.js');
export const { StateStore } = await built<typeof import('../src/state/store.js')>('state/store.js');
export const { CHECKLIST } =
  await built<typeof import('../src/steps/checklist.js')>('steps/checklist.js');
export const { DEPLOY_STEPS } =
  await built<typeof import('../src/steps/index.js')>('steps/index.js');
export const { connectSsh } =
  await built<typeof import('../src/transport/ssh.js')>('transport/ssh.js');
