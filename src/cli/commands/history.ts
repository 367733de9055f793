import type { DeploymentRecord } from '../../state/types.js';
import { inert } from '../../util/text.js';
import { fleetView } from '../../fleet/build-view.js';
import { FleetStore } from '../../state/fleet-store.js';
import type { StateStore } from '../../state/store.js';
import type { ParsedArgs } from '../args.js';
import { EXIT } from '../../util/exit.js';
import { openSession, openState } from '../../session/open.js';
import { fleetOf } from '../../session/fleet.js';
import { out } from '../../util/out.js';

const duration = (d: Pick<DeploymentRecord, 'startedAt' | 'finishedAt'>) => {
  if (d.finishedAt === null) return '-';
  const s = Math.round((d.finishedAt - d.startedAt) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** Aligns columns to the widest cell of each; cells (names, versions from the target) are shown inert. */
export function table(cells: string[][]): string {
  const rows = cells.map((r) => r.map((cell) => inert(cell, { max: 200 })));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

const started = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** Each fleet, newest first, then one row per host: its own deployment id and how it went. */
function fleetRows(store: StateStore): string[][] {
  return new FleetStore(store)
    .fleets(50)
    .flatMap((f) => [
      [
        f.id,
        f.name,
        f.versionTo,
        f.operator,
        f.halt ? `${f.status} (halted at ${f.halt.host})` : f.status,
        started(f.startedAt),
        duration(f),
      ],
      ...fleetView(store, f.id).hosts.map((h) => [
        `  ${h.deploymentId ?? '-'}`,
        `  ${h.host} (${h.batch === 'canary' ? 'canary' : `batch ${h.batch}`})`,
        h.versionRunning ?? '?',
        '',
        h.status,
        '',
        '',
      ]),
    ]);
}

/** `history`: past deployments, newest first; then the fleets with their hosts. */
export async function history(args: ParsedArgs): Promise<number> {
  // A group names no one target: its fleets are in the same state database.
  const session = (await fleetOf(args.options))
    ? openState(args.options, { readOnlyOk: true })
    : openSession(args.options, { readOnlyOk: true });
  try {
    const rows = session.store
      .deployments(100)
      .map((d) => [
        d.id,
        d.target,
        `${d.versionFrom ?? '?'} → ${d.versionTo}`,
        d.operator,
        d.mode === 'rollback' && d.status !== 'rolled_back' ? `${d.status} (rollback)` : d.status,
        started(d.startedAt),
        duration(d),
      ]);
    out.write(
      table([
        ['ID', 'TARGET', 'VERSIONS', 'OPERATOR', 'STATUS', 'STARTED (UTC)', 'DURATION'],
        ...rows,
      ]),
    );
    const fleets = fleetRows(session.store);
    if (fleets.length)
      out.write(
        '\nFleets:\n' +
          table([
            ['ID', 'GROUP / HOST', 'VERSION', 'OPERATOR', 'STATUS', 'STARTED (UTC)', 'DURATION'],
            ...fleets,
          ]),
      );
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}
