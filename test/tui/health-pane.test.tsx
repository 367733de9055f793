import { describe, expect, it } from 'vitest';
import { HealthPane } from '../../src/screens/components/HealthPane.js';
import type { HealthSample } from '../../src/probes/health.js';
import { ValueStore } from '../../src/screens/stores/value-store.js';
import { renderScreen } from '../helpers/ink.js';

const sample = (via: HealthSample['via']): HealthSample => ({
  at: 1,
  via,
  readings: [
    { name: 'health', path: '/health', code: 200, latencyMs: 3 },
    { name: 'detailed', path: '/health/detailed', code: 200, latencyMs: 4, status: 'healthy' },
    { name: 'database', path: '/health/database', code: 200, latencyMs: 5 },
  ],
});

/** The pane's top border, where its title is. */
async function title(via: HealthSample['via'], width: number): Promise<string> {
  const screen = await renderScreen(
    <HealthPane
      store={new ValueStore<HealthSample | undefined>(sample(via))}
      width={width}
      height={5}
      focused={false}
    />,
  );
  try {
    const frame = await screen.waitFor('/health/database');
    expect(frame).toMatch(/\/health\s+200 3 ms/);
    return frame.split('\n')[0]!;
  } finally {
    await screen.unmount();
  }
}

describe('the Health pane says where it measured', () => {
  it('on the server, with the reason when the border has room', async () => {
    expect(await title('server', 60)).toContain(
      'Health (measured on the server: no TCP forwarding)',
    );
    // 80 columns give the pane 40: the reason no longer fits, where it was measured still does.
    const narrow = await title('server', 40);
    expect(narrow).toContain('Health (measured on the server)');
    expect(narrow.length).toBeLessThanOrEqual(40);
  });

  it('through the tunnel or directly, as before', async () => {
    expect(await title('tunnel', 40)).toContain('Health (SSH tunnel)');
    expect(await title('direct', 40)).toMatch(/─ Health ─/);
  });
});
