/** A row of doctor's table: passed or not, its detail, and the hint printed under a failure. */
export interface DoctorRow {
  ok: boolean;
  detail: string;
  hint?: string;
}

/** name → row, read from doctor's printed table. */
export function doctorRows(stdout: string): Map<string, DoctorRow> {
  const rows = new Map<string, DoctorRow>();
  let last: DoctorRow | undefined;
  for (const line of stdout.split('\n')) {
    const hint = /^\s+hint: (.*)$/.exec(line);
    if (hint && last) last.hint = hint[1];
    const row = /^(\S.*?)\s{2,}(pass|FAIL)\s{2,}(.*)$/.exec(line);
    if (row) rows.set(row[1]!, (last = { ok: row[2] === 'pass', detail: row[3]! }));
  }
  return rows;
}

/** The names of the rows that failed. */
export const failures = (rows: Map<string, DoctorRow>) =>
  [...rows].filter(([, r]) => !r.ok).map(([name]) => name);
