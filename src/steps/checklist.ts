import type { TargetConfig } from '../config/types.js';
import { df, diskUsedPercent, parseDisk } from '../shell/measure.js';
import { sh } from '../shell/quote.js';
import { newestVerifiedBackupScript } from './backup.js';
import { alongside, targetShell } from './shell.js';
import type { Facts } from './types.js';
import { daysUntil, tlsAddress } from './urls.js';

export interface ChecklistItem {
  id: string;
  group: 'Authorization' | 'Technical Prerequisites' | 'Team Readiness';
  label: string;
  /** Items the tool verifies itself: turns facts into evidence and a pass/fail. */
  evaluate?: (facts: Facts, target: TargetConfig, now: Date) => Evidence;
}

export interface Evidence {
  ok: boolean;
  text: string;
}

/** The runbook's Pre-Deployment Checklist, in its order. */
export const CHECKLIST: readonly ChecklistItem[] = [
  { id: 'auth.1', group: 'Authorization', label: 'Deployment approved by Operations Manager' },
  { id: 'auth.2', group: 'Authorization', label: 'Change window scheduled and communicated' },
  { id: 'auth.3', group: 'Authorization', label: 'Stakeholders notified of deployment timeline' },
  { id: 'auth.4', group: 'Authorization', label: 'Emergency contacts available during deployment' },
  {
    id: 'tech.1',
    group: 'Technical Prerequisites',
    label: 'Recent database backup verified (within 2 hours)',
    evaluate: (facts, target, now) => {
      const [epoch, ...name] = (facts.newestBackup ?? '').split(' ');
      const hours = (now.getTime() / 1000 - Number(epoch)) / 3600;
      const skipped = facts.invalidBackup
        ? ` (newer, not a valid backup: ${facts.invalidBackup})`
        : '';
      if (!name.length || !Number.isFinite(hours))
        return {
          ok: false,
          text: `no verified database backup in ${target.paths.backups}${skipped}`,
        };
      const file = name.join(' ').split('/').pop();
      return {
        ok: hours <= target.thresholds.backupMaxAgeHours,
        text: `${file}, ${hours.toFixed(1)} h old, verified${skipped}`,
      };
    },
  },
  {
    id: 'tech.2',
    group: 'Technical Prerequisites',
    label: 'Staging environment tested successfully',
  },
  {
    id: 'tech.3',
    group: 'Technical Prerequisites',
    label: 'Git tag created for release version',
    evaluate: (facts) =>
      facts.tagFound
        ? { ok: true, text: `tag found (${facts.tagFound})` }
        : { ok: false, text: 'tag not found on the target or its origin' },
  },
  {
    id: 'tech.4',
    group: 'Technical Prerequisites',
    label: 'SSL certificates valid (>30 days remaining)',
    evaluate: (facts, target, now) => {
      const days = daysUntil(facts.certNotAfter ?? '', now);
      return days === undefined
        ? { ok: false, text: 'could not read the certificate' }
        : { ok: days > target.thresholds.certMinDays, text: `${days} days remaining` };
    },
  },
  {
    id: 'tech.5',
    group: 'Technical Prerequisites',
    label: 'Disk space >20% available on target servers',
    evaluate: (facts, target) => {
      const [used] = parseDisk(facts.diskUsedPercent);
      if (used === undefined) return { ok: false, text: 'could not measure free disk' };
      const free = 100 - used;
      return {
        ok: free > target.thresholds.minDiskFreePercent,
        text: `${free}% free on ${target.paths.app}`,
      };
    },
  },
  {
    id: 'team.1',
    group: 'Team Readiness',
    label: 'Primary operator available for full deployment window',
  },
  {
    id: 'team.2',
    group: 'Team Readiness',
    label: 'Secondary operator on standby for rollback if needed',
  },
  {
    id: 'team.3',
    group: 'Team Readiness',
    label: 'Development team available for 2 hours post-deployment',
  },
];

/**
 * One read-only script that gathers the facts for every verifiable item in a
 * single round trip; `more`: the caller's own looks, run with them.
 */
export function checklistScript(target: TargetConfig, version: string, ...more: string[]): string {
  const t = targetShell(target);
  const { host, port } = tlsAddress(target.publicUrl);
  const ref = `refs/tags/${version}`;
  return t.script(
    ...more,
    // Side by side: the TLS handshake (two openssl starts, the slowest look) and the backups' checks.
    alongside(
      sh`fact certNotAfter "$(timeout 10 openssl s_client -connect ${`${host}:${port}`} -servername ${host} </dev/null 2>/dev/null | openssl x509 -noout -enddate 2>/dev/null | cut -d= -f2)"`,
    ),
    // Read as the app user (the backups are in its 0750 tree), and only backups that verify count.
    alongside(
      `backups=$(${t.asApp(newestVerifiedBackupScript(target.paths.backups))})`,
      `fact newestBackup "$(printf '%s\\n' "$backups" | sed -n 's/^ok //p' | head -n 1)"`,
      `fact invalidBackup "$(printf '%s\\n' "$backups" | sed -n 's/^bad //p' | head -n 1)"`,
    ),
    `fact tagFound "$(${t.inApp(sh`git rev-parse -q --verify ${ref + '^{commit}'} || timeout 30 git ls-remote --tags origin ${ref} | cut -f1`)} 2>/dev/null | head -n 1 | cut -c1-12)"`,
    `fact diskUsedPercent "$(${diskUsedPercent(t.asApp(df(target.paths.app)))})"`,
    'wait',
  );
}

/** Evidence for every verifiable item, from the facts the script reported. */
export function evaluateChecklist(
  facts: Facts,
  target: TargetConfig,
  now = new Date(),
): Map<string, Evidence> {
  const evidence = new Map<string, Evidence>();
  for (const item of CHECKLIST)
    if (item.evaluate) evidence.set(item.id, item.evaluate(facts, target, now));
  return evidence;
}
