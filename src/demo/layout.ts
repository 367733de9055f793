import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped app, scripts and migrations; the same relative place from src/ and dist/. */
export const ASSETS = fileURLToPath(new URL('../../assets/demo-app/', import.meta.url));

/** Written first, so a half-built demo is still recognised (and may be wiped) on a re-run. */
export const MARKER = '.cvd-demo-target';

/** Where everything lives in a demo target, laid out like the server's /opt/cvd. */
export interface DemoLayout {
  root: string;
  repo: string;
  app: string;
  server: string;
  data: string;
  database: string;
  backups: string;
  logs: string;
  config: string;
  env: string;
  tls: string;
  cert: string;
  key: string;
  etc: string;
  unit: string;
  run: string;
  pidFile: string;
  deployments: string;
  bin: string;
  cvdctl: string;
  /** Prints the sandbox test user's password: the demo target's testPasswordCommand. */
  testPassword: string;
  configFile: string;
}

export function demoLayout(root: string): DemoLayout {
  const at = (...parts: string[]) => join(root, ...parts);
  return {
    root,
    repo: at('repo.git'),
    app: at('app'),
    server: at('app', 'server.mjs'),
    data: at('data'),
    database: at('data', 'cvd.db'),
    backups: at('backups'),
    logs: at('logs'),
    config: at('config'),
    env: at('config', '.env'),
    tls: at('config', 'tls'),
    cert: at('config', 'tls', 'cert.pem'),
    key: at('config', 'tls', 'key.pem'),
    etc: at('etc'),
    unit: at('etc', 'cvd.service'),
    run: at('run'),
    pidFile: at('run', 'cvd.pid'),
    deployments: at('deployments'),
    bin: at('bin'),
    cvdctl: at('bin', 'cvdctl'),
    testPassword: at('bin', 'test-password'),
    configFile: at('cvd-tui.json'),
  };
}
