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
