import { describe, expect, it } from 'vitest';
import { parseServerHealth } from '../../src/probes/health-on-server.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('reading the server-side health lines', () => {
  it('takes codes and times from well-formed lines only, the detailed status from the decoded body', () => {
    const output = [
      `CVD-HEALTH health 0 200 0.004512 ${b64('{"status":"ok"}')}`,
      `CVD-HEALTH detailed 0 200 0.010 ${b64('{"status":"healthy"}')}`,
      'CVD-HEALTH database 0 200 0.1 not base64!',
      'CVD-HEALTH database 0 2000 0.1 ',
      `CVD-HEALTH database 23 503 1.25 ${b64('x'.repeat(10))}`,
      `CVD-HEALTH health 0 500 0.1 `, // a second line for an endpoint changes nothing
    ].join('\n');
    expect(parseServerHealth(output, 2000)).toEqual([
      { name: 'health', path: '/health', code: 200, latencyMs: 5 },
      { name: 'detailed', path: '/health/detailed', code: 200, latencyMs: 10, status: 'healthy' },
      { name: 'database', path: '/health/database', code: 503, latencyMs: 1250 },
    ]);
  });

  it('names why nothing answered', () => {
    const output = [
      'CVD-HEALTH health 7 000 0.000 ',
      'CVD-HEALTH detailed 28 000 2.001 ',
      'CVD-HEALTH database 127 000 0 ',
    ].join('\n');
    expect(parseServerHealth(output, 2000).map((r) => r.error)).toEqual([
      'ECONNREFUSED (curl on the server could not connect)',
      'no answer within 2000 ms',
      'curl is not installed on the target',
    ]);
    expect(parseServerHealth('', 2000)[0]!.error).toBe('no measurement from the server');
  });
});
