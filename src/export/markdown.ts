import { splitScript } from '../steps/shell.js';
import { inert } from '../util/text.js';
import type { ExecutionLog } from './build.js';
import type { RunLog } from './runs.js';

const box = (checked: boolean | null) =>
  checked === true ? '[x]' : checked === false ? '[ ] ✗' : '[ ]';
const minutes = (ms: number | null) =>
  ms === null
    ? 'in progress'
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

/**
 * A value inside a line of Markdown (list item, heading, table cell): one
 * line, inert, and unable to start HTML (`<!--` would hide the rest of the
 * document, `</details>` close a block) or a link or image (`](`).
 */
const md = (value: string | number | null | undefined): string =>
  inert(String(value ?? ''))
    .replaceAll('<', '&lt;')
    .replaceAll('](', ']\\(');
/** A table cell's value: its pipes escaped (and backslashes before them, which would undo that). */
export const cell = (value: string | number | null | undefined) =>
  md(value).replace(/(\\*)\|/g, (_, slashes: string) => `${slashes}${slashes}\\|`);

/** A code block no line of `text` can close: its fence is longer than any run of backticks inside. */
function fence(text: string): string {
  const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const marks = '`'.repeat(Math.max(3, longest + 1));
  return `${marks}\n${inert(text, { lines: true })}\n${marks}`;
}

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
  const issues =
    log.issues.map((i) => `${md(i.text)} (${md(i.by)}, ${md(i.at)})`).join('; ') || 'None';
  const lines = [
    `# CVD Deployment — Execution Log (${md(log.id)})`,
    '',
    '**Execution Log:**',
    `- Date: ${md(log.startedAt)}`,
    `- Operator: ${md(log.operator)}`,
    `- Version Deployed: ${versionDeployed(log)} on ${md(log.target)}`,
    `- Duration: ${minutes(log.durationMs)}`,
    `- Issues Encountered: ${issues}`,
    `- Resolution: ${md(log.resolution) || (log.status === 'rolled_back' ? 'Rolled back to the previous version' : 'None')}`,
    `- Verification Status: ${log.verification.status} (deployment ${log.status}${log.verification.of === 'rollback' ? ', as the rollback verified it' : ''})`,
    ...(log.status === 'rolled_back' ? [`- Outcome: ${md(log.outcome.summary)}`] : []),
    '',
    '## Pre-Deployment Checklist',
    '',
    ...log.checklist.map(
      (c) =>
        `- ${box(c.checked)} ${c.id} ${md(c.label)}${c.by ? ` — ${md(c.by)}, ${md(c.at)}` : ''}${c.evidence ? ` — ${md(c.evidence)}` : ''}`,
    ),
    '',
    log.verification.of === 'rollback'
      ? '## Verification Checklist (after the Emergency Rollback)'
      : '## Verification Checklist',
    '',
    ...log.verification.items.map((i) => `- ${box(i.verified)} ${md(i.label)} — ${md(i.evidence)}`),
    '',
    '## Documentation Updates and Communication',
    '',
    // Not ticked is not done yet, not failed: no ✗ here.
    ...log.postDeployment.map(
      (p) =>
        `- ${p.checked ? '[x]' : '[ ]'} ${p.id} ${md(p.label)}${p.by ? ` — ${md(p.by)}, ${md(p.at)}` : ''}`,
    ),
    '',
    '## Steps',
    '',
    '| Step | Title | Status | Attempts | Exit | Summary |',
    '| --- | --- | --- | --- | --- | --- |',
    ...log.steps.map(
      (s) =>
        `| ${s.id} | ${cell(s.title)} | ${s.status} | ${s.attempts} | ${s.exitCode ?? ''} | ${cell(s.summary)} |`,
    ),
    '',
    ...baselineSection(log),
    ...monitoringSection(log),
    ...log.steps
      .filter((s) => s.status !== 'pending')
      .flatMap((s) => [
        `### ${s.id} ${s.title} — ${s.status}`,
        '',
        `Attempts: ${s.attempts} · exit ${s.exitCode ?? '-'} · ${duration(s.startedAt, s.finishedAt)}${s.status === 'skipped' ? ` · skipped: ${md(s.reason)}` : ''}`,
        '',
        ...s.runs.flatMap(runSection),
      ]),
    '## Events',
    '',
    ...log.events.map(
      (e) => `- ${md(e.at)} ${md(e.type)} — ${md(e.actor)}${e.detail ? `: ${md(e.detail)}` : ''}`,
    ),
    '',
    ...chainSection(log),
  ];
  // Values go through md(), cell() or fence(), which also keep the structure; this
  // keeps a value a new line forgets to format from acting on a terminal at least.
  return inert(lines.join('\n'), { lines: true });
}

/**
 * The version this deployment put on the target, and, once it was rolled
 * back, what serves instead as the rollback verified it (never assumed).
 */
function versionDeployed(log: ExecutionLog): string {
  const from = md(log.versionFrom ?? 'the previous version');
  const to = md(log.versionTo);
  if (log.status === 'rolled_back')
    return `${to} (rolled back; ${log.outcome.serving ? `serving ${md(log.outcome.serving)}` : 'what serves was not verified'})`;
  if (log.verification.of === 'rollback') return `${to} (rollback to ${from} not finished)`;
  return `${to} (previous: ${md(log.versionFrom ?? 'unknown')})`;
}

const duration = (start: string | null, end: string | null) =>
  start && end ? `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)} s` : '-';

/**
 * One attempt, collapsed: its own command and output, and why it ran (a
 * retry) or did not (a skip). The summary line holds only fixed words and
 * numbers; text from the target stays in the body, through md() and fence().
 */
function runSection(run: RunLog): string[] {
  const time = duration(run.startedAt, run.finishedAt);
  if (run.status === 'skipped')
    return [
      `- Attempt ${run.attempt}: skipped by ${md(run.by ?? 'unknown')} — ${md(run.reason)}`,
      '',
    ];
  return [
    `<details><summary>Attempt ${run.attempt}: ${run.status} · exit ${run.exitCode ?? '-'} · ${time}</summary>`,
    '',
    ...(run.reason ? [`Why: ${md(run.reason)}`, ''] : []),
    ...(run.summary ? [`Result: ${md(run.summary)}`, ''] : []),
    // The shared shell prelude is left out here (it is in the JSON export and `--plan`).
    ...(run.command ? ['Command:', '', fence(splitScript(run.command).body.join('\n')), ''] : []),
    'Output:',
    '',
    fence(trimmed(run.output)),
    '',
    '</details>',
    '',
  ];
}

/** The chain head this log was exported at; `cvd-tui verify` compares it with the state database. */
function chainSection(log: ExecutionLog): string[] {
  if (!log.chain) return [];
  return ['## Record', '', `Chain head: event #${log.chain.length} sha256:${log.chain.head}`, ''];
}

function baselineSection(log: ExecutionLog): string[] {
  if (!log.baseline) return [];
  const head = ['## Performance Baseline', ''];
  if (!log.baseline.deltas.length)
    return [...head, 'No previous successful deployment of this target to compare with.', ''];
  return [
    ...head,
    `Compared with deployment ${md(log.baseline.previousDeploymentId)}:`,
    '',
    '| Metric | Previous | Now | Change | |',
    '| --- | --- | --- | --- | --- |',
    ...log.baseline.deltas.map(
      (d) =>
        `| ${cell(d.metric)} | ${cell(d.previous)} | ${cell(d.current)} | ${d.changePercent >= 0 ? '+' : ''}${d.changePercent} % | ${d.regression ? '**regression**' : ''} |`,
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
      : [`- Post-deployment monitoring: ${md(m.status)}${m.summary ? ` — ${md(m.summary)}` : ''}`]),
    ...(m.breaches ? [`- Breaches: ${md(m.breaches)}`] : []),
    '',
  ];
}
