import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { resumeHint } from '../../src/cli/resume-hint.js';

const fleet = { id: '20261201_040818_40cc', group: 'web' };
const host = '20261201_040818_2926';

describe('what a crashed or interrupted run leaves to resume', () => {
  it('is the fleet, never the host deployment its runners held last', () => {
    const options = parseCli(['deploy', '--target', 'web', '--version', 'v1.0.2']).options;
    expect(resumeHint({ fleet, deploymentId: host }, options)).toEqual({
      command: `cvd-tui resume ${fleet.id} --target web`,
      what: `fleet ${fleet.id} (web)`,
    });
  });

  it('names an inventory fleet by its inventory, group and template target', () => {
    const options = parseCli([
      'deploy',
      '--inventory',
      'my hosts.ini',
      '--group',
      'web',
      '--target',
      'app',
    ]).options;
    expect(
      resumeHint({ fleet: { ...fleet, group: 'inventory:web' }, deploymentId: host }, options)
        ?.command,
    ).toBe(`cvd-tui resume ${fleet.id} --inventory 'my hosts.ini' --group web --target app`);
  });

  it('is the one deployment without a fleet, and nothing when none was started', () => {
    const options = parseCli(['deploy']).options;
    expect(resumeHint({ fleet: undefined, deploymentId: host }, options)).toEqual({
      command: `cvd-tui resume ${host}`,
      what: `deployment ${host}`,
    });
    expect(resumeHint({ fleet: undefined, deploymentId: undefined }, options)).toBeUndefined();
  });
});
