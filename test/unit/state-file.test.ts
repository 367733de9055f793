import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateLost, StateStore } from '../../src/state/store.js';

let dir: string | undefined;
let store: StateStore | undefined;
afterEach(() => {
  store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = dir = undefined;
});

function open() {
  dir = mkdtempSync(join(tmpdir(), 'cvd-state-file-'));
  const path = join(dir, 'state.db');
  store = StateStore.open(path);
  store.createDeployment({
    id: '20260101_120000_ab12',
    target: 'demo',
    operator: 'alice',
    jumpHost: 'jump',
    versionFrom: null,
    versionTo: 'v1.0.1',
    startedAt: 1,
  });
  return { path, store };
}

describe('the state file under a running store', () => {
  it('a deleted file stops the next write with StateLost', () => {
    const { path, store } = open();
    rmSync(path);
    expect(() =>
      store.beginAttempt('20260101_120000_ab12', '1.1', 'x', 'alice', 'step started'),
    ).toThrow(StateLost);
    expect(() => store.event('20260101_120000_ab12', 'x', 'alice')).toThrow(/was deleted/);
  });

  it('a replaced file (another inode at the path) stops the next write', () => {
    const { path, store } = open();
    copyFileSync(path, `${path}.copy`);
    renameSync(`${path}.copy`, path);
    expect(() => store.setStatus('20260101_120000_ab12', 'failed', 'alice')).toThrow(
      /was replaced/,
    );
  });

  it('forgets every row of a deployment that never ran', () => {
    const { store } = open();
    store.event('20260101_120000_ab12', 'x', 'alice');
    store.recordFacts('20260101_120000_ab12', '1.1', { a: '1' });
    store.forgetDeployment('20260101_120000_ab12');
    expect(store.deployment('20260101_120000_ab12')).toBeUndefined();
    expect(store.events('20260101_120000_ab12')).toEqual([]);
    expect(store.facts('20260101_120000_ab12')).toEqual({});
  });
});
