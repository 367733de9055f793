import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { shq } from '../shell/quote.js';
import { run } from './exec.js';
import { ASSETS, type DemoLayout } from './layout.js';

/**
 * Two free loopback ports, held open together so they differ. Another process
 * may still take one before the app binds it: the build then picks again
 * (build.ts, startOnFreePorts).
 */
export async function freePortPair(): Promise<[number, number]> {
  const servers: Server[] = [];
  const hold = async (): Promise<number> => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(0, '127.0.0.1', resolve),
    );
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port assigned');
    return address.port;
  };
  try {
    return await Promise.all([hold(), hold()]);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Self-signed for localhost and 127.0.0.1: publicUrl is verified against it as caFile. */
export async function writeCertificate(layout: DemoLayout): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '365',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    layout.key,
    '-out',
    layout.cert,
  ]);
  await chmod(layout.key, 0o600);
}

export async function writeEnv(
  layout: DemoLayout,
  appPort: number,
  httpsPort: number,
): Promise<void> {
  const lines = [
    '# Read by app/server.mjs when it starts: `cvdctl restart` picks up changes.',
    `PORT=${appPort}`,
    `HTTPS_PORT=${httpsPort}`,
    `DATABASE_PATH=${layout.database}`,
    `LOG_DIR=${layout.logs}`,
    `TLS_CERT=${layout.cert}`,
    `TLS_KEY=${layout.key}`,
    '# Delay before the app listens, to rehearse a slow start (milliseconds).',
    'CVD_DEMO_START_DELAY_MS=0',
  ];
  await writeFile(layout.env, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** Copies an asset, replacing @@NAME@@ placeholders. */
async function render(asset: string, to: string, values: Record<string, string>): Promise<void> {
  const template = await readFile(join(ASSETS, asset), 'utf8');
  const text = template.replace(/@@([A-Z_]+)@@/g, (whole, name: string) => values[name] ?? whole);
  await writeFile(to, text);
}

export async function writeUnitFile(layout: DemoLayout): Promise<void> {
  await render('cvd.service', layout.unit, {
    CVD_HOME: layout.root,
    NODE: process.execPath,
    APP_USER: userInfo().username,
  });
}

/** The sandbox's own test login (assets/demo-app/schema.sql), so the demo runs 3.3's login test too. */
const DEMO_TEST_PASSWORD = 'test_password';

/**
 * The demo target's testPasswordCommand: prints its test user's password,
 * so no run of the demo asks for it (a real target's would read a password
 * manager instead).
 */
export async function installTestPassword(layout: DemoLayout): Promise<void> {
  await writeFile(layout.testPassword, `#!/bin/sh\nprintf '%s\\n' ${shq(DEMO_TEST_PASSWORD)}\n`, {
    mode: 0o700,
  });
}

/** bin/cvdctl with this demo's home and this Node baked in (shell-quoted). */
export async function installCvdctl(layout: DemoLayout): Promise<void> {
  await render('cvdctl', layout.cvdctl, {
    CVD_HOME: shq(layout.root),
    NODE: shq(process.execPath),
  });
  await chmod(layout.cvdctl, 0o755);
}
