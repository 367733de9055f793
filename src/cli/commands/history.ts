import type { DeploymentRecord } from '../../state/types.js';
import { inert } from '../../util/text.js';
import type { ParsedArgs } from '../args.js';
import { EXIT } from '../../util/exit.js';
import { openSession } from '../../session/open.js';
import { out } from '../../util/out.js';

const duration = (d: DeploymentRecord) => {
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

/** `history`: past deployments, newest first. */
export function history(args: ParsedArgs): number {
  const session = openSession(args.options, { readOnlyOk: true });
  try {
    const rows = session.store
      .deployments(100)
      .map((d) => [
        d.id,
        d.target,
        `${d.versionFrom ?? '?'} → ${d.versionTo}`,
        d.operator,
        d.mode === 'rollback' && d.status !== 'rolled_back' ? `${d.status} (rollback)` : d.status,
        new Date(d.startedAt).toISOString().replace('T', ' ').slice(0, 19),
        duration(d),
      ]);
    out.write(
      table([
        ['ID', 'TARGET', 'VERSIONS', 'OPERATOR', 'STATUS', 'STARTED (UTC)', 'DURATION'],
        ...rows,
      ]),
    );
    return EXIT.ok;
  } finally {
    session.store.close();
  }
}
