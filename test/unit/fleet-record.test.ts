import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetView } from '../../src/fleet/build-view.js';
import { fleetChecklist, tickFleetItem } from '../../src/fleet/checklist.js';
import { FleetStore } from '../../src/state/fleet-store.js';
import { StateStore } from '../../src/state/store.js';
import { newFleet } from '../helpers/fleet-record.js';

/** A fleet of web1 (canary) and web2 (batch 1), each host begun with tech.3 evidence. */
function recordedFleet(web2Tag: boolean) {
  const store = StateStore.open(join(mkdtempSync(join(tmpdir(), 'cvd-fleet-')), 'state.db'));
  const fleets = new FleetStore(store);
  fleets.create(newFleet('f1', ['web1', 'web2'], { batchSize: 1 }));
  for (const [host, ok] of [
    ['web1', true],
    ['web2', web2Tag],
  ] as const) {
    const id = `d-${host}`;
    fleets.linkHost('f1', host, id);
    store.createDeployment({
      id,
      target: host,
      operator: 'alice',
      jumpHost: 'jump',
      versionFrom: 'v1.0.0',
      versionTo: 'v1.0.1',
      startedAt: 1000,
    });
    store.tick(id, {
      itemId: 'tech.3',
      checked: false,
      by: null,
      evidence: ok ? 'v1.0.1 is a tag' : 'v1.0.1 is not a tag',
      evidenceOk: ok,
      reason: null,
    });
  }
  return store;
}

describe('a recorded fleet', () => {
  it('has one checklist: red where any host failed the check, ticked on every host at once', () => {
    const store = recordedFleet(false);
    const tech3 = () => fleetChecklist(store, 'f1').find((i) => i.item.id === 'tech.3')!;
    expect(tech3()).toMatchObject({ checked: false, evidenceOk: false });
    expect(tech3().evidence.map((e) => e.host)).toEqual(['web2', 'web1']);
    expect(() => tickFleetItem(store, 'f1', 'tech.3', { checked: true, by: 'alice' })).toThrow(
      /needs a reason/,
    );
    tickFleetItem(store, 'f1', 'tech.3', { checked: true, by: 'alice', reason: 'tag pushed' });
    expect(tech3().checked).toBe(true);
    for (const id of ['d-web1', 'd-web2'])
      expect(store.checklist(id).find((c) => c.itemId === 'tech.3')).toMatchObject({
        checked: true,
        by: 'alice',
      });
    store.close();
  });

  it('shows each host with its plan place; a halt holds the hosts that have not failed', () => {
    const store = recordedFleet(true);
    const attempt = store.beginAttempt('d-web1', '3.2', 'check', 'alice', 'step started');
    store.finishAttempt('d-web1', '3.2', attempt, {
      status: 'failed',
      exitCode: 1,
      summary: '/health/database answered 500',
      outcomeUnknown: false,
    });
    store.setStatus('d-web1', 'failed', 'alice');
    new FleetStore(store).setHalt('f1', { host: 'web1', stepId: '3.2', reason: 'db', at: 2000 });
    const view = fleetView(store, 'f1');
    expect(view.plan).toEqual({ canary: ['web1'], batches: [['web2']], maxFailures: 0 });
    expect(view.halted).toMatchObject({ host: 'web1', stepId: '3.2' });
    expect(view.hosts.map((h) => [h.host, h.batch, h.status, h.currentStep, h.health])).toEqual([
      ['web1', 'canary', 'failed', { id: '3.2', status: 'failed' }, 'failing'],
      ['web2', 1, 'held', null, 'unknown'],
    ]);
    expect(view.hosts[0]!.note).toBe('/health/database answered 500');
    expect(new FleetStore(store).fleetOfDeployment('d-web2')?.id).toBe('f1');
    store.close();
  });
});
