import type { ExecutionLog } from './build.js';

const box = (checked: boolean | null) => (checked === true ? '[x]' : checked === false ? '[ ] ✗' : '[ ]');
const minutes = (ms: number | null) => (ms === null ? 'in progress' : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);
const fence = (text: string) => `\`\`\`\n${text.replaceAll('```', '`\u200b``')}\n\`\`\``;

/** The runbook's Execution Log, its Verification Checklist, then every step with its output. */
export function toMarkdown(log: ExecutionLog): string {
  const issues = log.issues.length
    ? log.issues.map((i) => `${i.text} (${i.by}, ${i.at})`).join('; ')
    : log.steps.filter((s) => s.status === 'failed' || s.status === 'skipped').map((s) => `${s.id} ${s.status}: ${s.summary}`).join('; ') || 'None';
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
    ...log.checklist.map((c) => `- ${box(c.checked)} ${c.id} ${c.label}${c.by ? ` — ${c.by}, ${c.at}` : ''}${c.evidence ? ` — ${c.evidence}` : ''}`),
    '',
    '## Verification Checklist',
    '',
    ...log.verification.items.map((i) => `- ${box(i.verified)} ${i.label} — ${i.evidence}`),
    '',
    '## Steps',
    '',
    '| Step | Title | Status | Attempts | Exit | Summary |',
    '| --- | --- | --- | --- | --- | --- |',
    ...log.steps.map((s) => `| ${s.id} | ${s.title} | ${s.status} | ${s.attempts} | ${s.exitCode ?? ''} | ${(s.summary ?? '').replaceAll('|', '\\|')} |`),
    '',
    ...log.steps.filter((s) => s.status !== 'pending').flatMap((s) => [`### ${s.id} ${s.title} — ${s.status}`, '', fence(s.output || '(no output)'), '']),
    '## Events',
    '',
    ...log.events.map((e) => `- ${e.at} ${e.type} — ${e.actor}${e.detail ? `: ${e.detail}` : ''}`),
    '',
  ];
  return lines.join('\n');
}
