import { inert } from '../util/text.js';
import type { CheckResult } from './types.js';

/**
 * The doctor's table: CHECK, PASS/FAIL, what was found; each failure (and
 * a pass that comes with advice) followed by its hint. Details come from the target, so control characters
 * are made visible rather than sent to the operator's terminal.
 */
export function formatDoctorTable(results: readonly CheckResult[]): string {
  const width = Math.max('CHECK'.length, ...results.map((r) => r.name.length));
  const row = (name: string, status: string, detail: string) =>
    `${name.padEnd(width)}  ${status.padEnd(6)}  ${detail}`.trimEnd();
  const lines = [row('CHECK', 'RESULT', 'DETAIL')];
  for (const r of results) {
    lines.push(row(r.name, r.ok ? 'pass' : 'FAIL', clean(r.detail)));
    if (r.hint) lines.push(`${' '.repeat(width + 10)}hint: ${clean(r.hint)}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(
    '',
    failed === 0
      ? `All ${results.length} checks passed.`
      : `${failed} of ${results.length} checks failed.`,
  );
  return `${lines.join('\n')}\n`;
}

/** One line, inert, bounded: a long refusal message still fits the table's idea of a row. */
const clean = (text: string) => inert(text.replace(/\s*\n\s*/g, ' '), { max: 600 });

/** One host's doctor report, as the fleet's closing table summarizes it. */
export interface HostDoctorResult {
  host: string;
  results: readonly CheckResult[];
  refused: boolean;
}

/**
 * The fleet doctor's closing lines: a headline, then a row per host saying
 * whether every check passed, or which failed (the sections above say why).
 */
export function formatFleetDoctorSummary(
  group: string,
  hosts: readonly HostDoctorResult[],
): string {
  const width = Math.max('HOST'.length, ...hosts.map((h) => h.host.length));
  const verdict = (h: HostDoctorResult) => {
    const failed = h.results.filter((r) => !r.ok);
    if (h.refused) return `connection refused: ${failed.map((r) => r.name).join(', ')}`;
    if (!failed.length) return `all ${h.results.length} checks passed`;
    return `${failed.length} of ${h.results.length} checks failed: ${failed.map((r) => r.name).join(', ')}`;
  };
  const clear = hosts.filter((h) => !h.refused && h.results.every((r) => r.ok)).length;
  return (
    `Fleet ${group}: ${clear} of ${hosts.length} hosts passed every check\n` +
    [['HOST', 'RESULT'], ...hosts.map((h) => [h.host, verdict(h)])]
      .map(([host, text]) => `  ${clean(host!).padEnd(width)}  ${clean(text!)}`.trimEnd())
      .join('\n') +
    '\n'
  );
}
