import { splitScript } from '../steps/shell.js';
import type { ExecutionLog } from './build.js';

const box = (checked: boolean | null) =>
  checked === true ? '[x]' : checked === false ? '[ ] ✗' : '[ ]';
const minutes = (ms: number | null) =>
  ms === null
    ? 'in progress'
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
const fence = (text: string) => `\`\`\`\n${text.replaceAll('```', '`\u200b``')}\n\`\`\``;

/** Markdown keeps the last lines of a step's output; the JSON export has all of it. */
export const MARKDOWN_OUTPUT_LINES = 40;
function trimmed(output: string): string {
  const lines = output.split('\n');
  if (lines.length <= MARKDOWN_OUTPUT_LINES) return output || '(no output)';
  return [
    `… ${lines.length - MARKDOWN_OUTPUT_LINES} earlier lines in the JSON export …`,
    ...lines.slice(-MARKDOWN_OUTPUT_LINES),
  ].join('\n');
}

/** The runbook's Execution Log, its Verification Checklist, Documentation Updates and Communication, then every step with its output. */
export function toMarkdown(log: ExecutionLog): string {
  const issues = log.issues.length
    ? log.issues.map((i) => `${i.text} (${i.by}, ${i.at})`).join('; ')
    : log.steps
        .filter((s) => s.status === 'failed' || s.status === 'skipped')
        .map((s) => `${s.id} ${s.status}: ${s.summary}`)
        .join('; ') || 'None';
  const lines = [
    `# CVD Deployment — Execution Log (${log.id})`,
    '',
    '**Execution Log:**',
    `- Date: ${log.startedAt}`,
    `- Operator: ${log.operator}`,
    `- Version Deployed: ${log.versionTo} (previous: ${log.versionFrom ?? 'unknown'}) on ${log.target}`,
    `- Duration: ${minutes(log.durationMs)}`,
    `- Issues Encountered: ${issues}`,
    `- Resolution: ${log.resolution ?? (log.status === 'rolled_back' ? 'Rolled back to the previous version' : 'None')}`,
    `- Verification Status: ${log.verification.status} (deployment ${log.status})`,
    '',
    '## Pre-Deployment Checklist',
    '',
    ...log.checklist.map(
      (c) =>
        `- ${box(c.checked)} ${c.id} ${c.label}${c.by ? ` — ${c.by}, ${c.at}` : ''}${c.evidence ? ` — ${c.evidence}` : ''}`,
    ),
    '',
    '## Verification Checklist',
    '',
    ...log.verification.items.map((i) => `- ${box(i.verified)} ${i.label} — ${i.evidence}`),
    '',
    '## Documentation Updates and Communication',
    '',
    // Not ticked is not done yet, not failed: no ✗ here.
    ...log.postDeployment.map(
      (p) =>
        `- ${p.checked ? '[x]' : '[ ]'} ${p.id} ${p.label}${p.by ? ` — ${p.by}, ${p.at}` : ''}`,
    ),
    '',
    '## Steps',
    '',
    '| Step | Title | Status | Attempts | Exit | Summary |',
    '| --- | --- | --- | --- | --- | --- |',
    ...log.steps.map(
      (s) =>
        `| ${s.id} | ${s.title} | ${s.status} | ${s.attempts} | ${s.exitCode ?? ''} | ${(s.summary ?? '').replaceAll('|', '\\|')} |`,
    ),
    '',
    ...baselineSection(log),
    ...monitoringSection(log),
    ...log.steps
      .filter((s) => s.status !== 'pending')
      .flatMap((s) => [
        `### ${s.id} ${s.title} — ${s.status}`,
        '',
        `Attempts: ${s.attempts} · exit ${s.exitCode ?? '-'} · ${duration(s.startedAt, s.finishedAt)}${s.reason ? ` · skipped: ${s.reason}` : ''}`,
        '',
        // The shared shell prelude is left out here (it is in the JSON export and `--plan`).
        ...(s.command
          ? [
              '<details><summary>Command</summary>',
              '',
              fence(splitScript(s.command).body.join('\n')),
              '',
              '</details>',
              '',
            ]
          : []),
        fence(trimmed(s.output)),
        '',
      ]),
    '## Events',
    '',
    ...log.events.map((e) => `- ${e.at} ${e.type} — ${e.actor}${e.detail ? `: ${e.detail}` : ''}`),
    '',
  ];
  return lines.join('\n');
}

const duration = (start: string | null, end: string | null) =>
  start && end ? `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)} s` : '-';

function baselineSection(log: ExecutionLog): string[] {
  if (!log.baseline) return [];
  const head = ['## Performance Baseline', ''];
  if (!log.baseline.deltas.length)
    return [...head, 'No previous successful deployment of this target to compare with.', ''];
  return [
    ...head,
    `Compared with deployment ${log.baseline.previousDeploymentId}:`,
    '',
    '| Metric | Previous | Now | Change | |',
    '| --- | --- | --- | --- | --- |',
    ...log.baseline.deltas.map(
      (d) =>
        `| ${d.metric} | ${d.previous} | ${d.current} | ${d.changePercent >= 0 ? '+' : ''}${d.changePercent} % | ${d.regression ? '**regression**' : ''} |`,
    ),
    '',
  ];
}

function monitoringSection(log: ExecutionLog): string[] {
  const m = log.monitoring;
  if (m.logWindowErrors === null && m.status === null) return [];
  return [
    '## Monitoring',
    '',
    ...(m.logWindowErrors === null ? [] : [`- Log window (4.1): ${m.logWindowErrors} error lines`]),
    ...(m.status === null
      ? []
      : [`- Post-deployment monitoring: ${m.status}${m.summary ? ` — ${m.summary}` : ''}`]),
    ...(m.breaches ? [`- Breaches: ${m.breaches}`] : []),
    '',
  ];
}
