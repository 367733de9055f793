import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.js';
import {
  FIRST_CURSOR,
  parseSample,
  takeSample,
  type MonitorCursor,
} from '../../src/monitor/sample.js';
import { LocalTransport } from '../../src/transport/local.js';
import { factsOf } from '../helpers/facts.js';

const access = (status: number) =>
  `2026-01-01T00:00:00.000Z 127.0.0.1 http "GET /api/devices HTTP/1.1" ${status} 20 3ms\n`;

describe('parseSample', () => {
  it('reads the facts and moves the cursor; CPU is the busy share between two counter readings', () => {
    const output = [
      'CVD-FACT health=200 0.012345',
      'CVD-FACT access=1200 10 2',
      'CVD-FACT errorLog=300 4 1',
      'CVD-FACT cpuStart=1000 800',
      'CVD-FACT cpu=1100 875',
      'CVD-FACT memoryUsedPercent=41',
      'CVD-FACT cert=0 (ok)',
    ].join('\n');
    const sample = parseSample(factsOf(output), FIRST_CURSOR, 5);
    expect(sample).toEqual({
      at: 5,
      healthCode: 200,
      responseMs: 12,
      requests: 10,
      serverErrors: 2,
      dbLocks: 1,
      cpuPercent: 25,
      memoryUsedPercent: 41,
      certOk: true,
      certDetail: '0 (ok)',
      cursor: { accessOffset: 1200, errorOffset: 300, cpu: { total: 1100, idle: 875 } },
    });
    // The next sample measures CPU against this one's counters.
    expect(parseSample(factsOf('CVD-FACT cpu=1300 975'), sample.cursor).cpuPercent).toBe(50);
  });

  it('leaves garbled or missing facts unmeasured and keeps the cursor where it was', () => {
    const cursor: MonitorCursor = { accessOffset: 7, errorOffset: 9 };
    const sample = parseSample(
      factsOf(
        'CVD-FACT health=\nCVD-FACT access=x y z\nCVD-FACT cert=\nCVD-FACT certError=connect:errno=111',
      ),
      cursor,
    );
    expect(sample).toEqual({
      at: sample.at,
      cursor,
      certOk: false,
      certDetail: 'no TLS handshake: connect:errno=111',
    });
  });
});

describe('the sample script, run locally', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('counts each complete log line once: from the end on the first sample, a partial line later, a rotated log from its start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cvd-monitor-'));
    const [accessLog, errorLog] = [join(dir, 'access.log'), join(dir, 'error.log')];
    writeFileSync(accessLog, access(500).repeat(3));
    writeFileSync(errorLog, 'old ERROR database is locked\n');
    // Nothing listens on port 1; an http publicUrl has no certificate to check.
    const target = withDefaults({
      transport: 'local',
      useSudo: false,
      paths: { logs: dir },
      appUrl: 'http://127.0.0.1:1',
      publicUrl: 'http://127.0.0.1:1',
    });
    const transport = new LocalTransport();

    const first = await takeSample(transport, target, FIRST_CURSOR);
    expect(first).toMatchObject({ healthCode: 0, requests: 0, serverErrors: 0, dbLocks: 0 });
    expect(first.certOk).toBeUndefined();
    expect(first.cursor.accessOffset).toBe(access(500).length * 3);
    expect(first.memoryUsedPercent).toBeGreaterThan(0);
    expect(first.cpuPercent).toBeGreaterThanOrEqual(0);

    appendFileSync(accessLog, access(200) + access(503) + access(200).slice(0, 30));
    appendFileSync(
      errorLog,
      'x ERROR Lock timeout exceeded\nx ERROR unrelated\nx ERROR sqlite3.OperationalError: database is locked\n',
    );
    const second = await takeSample(transport, target, first.cursor);
    expect(second).toMatchObject({ requests: 2, serverErrors: 1, dbLocks: 2 });
    expect(second.cpuPercent).toBeGreaterThanOrEqual(0);

    appendFileSync(accessLog, access(200).slice(30));
    const third = await takeSample(transport, target, second.cursor);
    expect(third).toMatchObject({ requests: 1, serverErrors: 0, dbLocks: 0 });

    writeFileSync(accessLog, access(502)); // rotated: smaller than the offset
    const fourth = await takeSample(transport, target, third.cursor);
    expect(fourth).toMatchObject({ requests: 1, serverErrors: 1 });
    expect(fourth.cursor.accessOffset).toBe(access(502).length);
  });
});
