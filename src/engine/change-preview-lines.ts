import { inert } from '../util/text.js';
import {
  needsDowngradeConfirmation,
  type ChangePreview,
  type ConfigChange,
} from './change-preview.js';

/** The flag that confirms a downgrade across a migration in a headless run. */
export const ALLOW_DOWNGRADE_FLAG = '--allow-downgrade';

/** How a line reads: the TUI colors it, the CLI prints it as it is (the icons carry the meaning). */
export type PreviewTone = 'plain' | 'muted' | 'warn' | 'error';

export interface PreviewLine {
  text: string;
  tone: PreviewTone;
}

export interface PreviewLineOptions {
  /** Commit lines listed before "… and N more". @default all the preview holds */
  commits?: number;
  /** The width commit subjects are cut to. @default 200 */
  width?: number;
  /** The target the preview was read on, named in its title (a fleet's: one of its hosts). */
  host?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A duration as the operator reads it: `45 s`, `3 min 05 s`. */
export function roughDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const CONFIG_TEXT: Record<ConfigChange, string> = {
  changed: 'changed (2.4 installs it)',
  same: 'no change (identical)',
  none: 'no change',
  unknown: 'could not be read',
};

/** Every value from the target made inert and cut: one line, never wider than `width`. */
const safe = (text: string, width: number) => inert(text, { max: width });

/** The migrations a downgrade leaves applied, as files: `migration_v1.0.1.sql, migration_v1.0.2.sql`. */
export const keptMigrations = (p: ChangePreview): string =>
  p.migrationsLost.map((tag) => `migration_${safe(tag, 64)}.sql`).join(', ');

/**
 * The change preview as lines: the same text heads `deploy --plan`, the
 * headless run and the TUI's checklist screen. Most urgent first (a screen
 * short of rows keeps the top): the warnings, then what will change, and
 * the commits last.
 */
export function changePreviewLines(
  p: ChangePreview,
  options: PreviewLineOptions = {},
): PreviewLine[] {
  const width = options.width ?? 200;
  const v = safe(p.version, 64);
  const running = safe(p.runningVersion, 64);
  const migration = (tag: string) => `migration_${safe(tag, 64)}.sql`;
  const count =
    p.commitCount === undefined
      ? `commits unknown (${v} is not on the target yet; 2.2 fetches it)`
      : plural(p.commitCount, 'commit');
  const downtime = p.downtime ? `~${roughDuration(p.downtime.ms)}` : 'unknown';
  const lines: PreviewLine[] = [
    {
      text: `Change preview${options.host ? ` of ${options.host}` : ''}: ${running} → ${v} · ${count} · expected downtime ${downtime}`,
      tone: 'plain',
    },
  ];
  const add = (text: string, tone: PreviewTone = 'plain') => lines.push({ text, tone });
  if (p.direction === 'same')
    add(
      `⚠ same version: ${v} is already running; no code or migration changes, yet 2.1 stops the service`,
      'warn',
    );
  const behind = `${v} lacks ${plural(p.commitsBack ?? 0, 'commit')} of ${running}`;
  // One line for a downgrade that needs the operator's word: on a small screen it must show whole.
  if (needsDowngradeConfirmation(p))
    add(
      `✗ downgrade: ${behind}; the database keeps ${keptMigrations(p)}: confirm to deploy (headless: ${ALLOW_DOWNGRADE_FLAG})`,
      'error',
    );
  else if (p.direction === 'downgrade' || p.direction === 'sideways')
    add(`⚠ ${p.direction === 'downgrade' ? 'downgrade' : 'not a descendant'}: ${behind}`, 'warn');
  const migrations =
    p.commitCount === undefined ? 'unknown' : p.migrations.map(migration).join(', ') || 'none';
  const keys =
    p.env === 'changed' && p.envKeys.length
      ? ` (keys: ${p.envKeys.map((k) => safe(k, 64)).join(', ')})`
      : '';
  const config =
    p.env === 'none' && p.unit === 'none'
      ? 'no new .env or unit file'
      : `.env.new: ${CONFIG_TEXT[p.env]}${keys} · unit file: ${CONFIG_TEXT[p.unit]}`;
  add(
    `  2.3 migrations: ${migrations} · ${config}`,
    p.env === 'changed' || p.unit === 'changed' ? 'warn' : 'plain',
  );
  const shown = p.commits.slice(0, options.commits ?? p.commits.length);
  // `git log --oneline running..target`, each line marked as one the deployment adds.
  for (const c of shown) add(`  + ${safe(c, Math.max(20, width - 4))}`, 'muted');
  const more = (p.commitCount ?? 0) - shown.length;
  if (more > 0) add(`  + … and ${more} more`, 'muted');
  add(
    p.downtime
      ? `  downtime: 2.1→3.1 of the last successful deploy, ${p.downtime.deploymentId} (${safe(p.downtime.version, 64)})`
      : '  downtime: unknown (no successful deploy of this target on record)',
    'muted',
  );
  return lines;
}
