import {
  gatherChangePreview,
  needsDowngradeConfirmation,
  type ChangePreview,
} from '../engine/change-preview.js';
import { ALLOW_DOWNGRADE_FLAG, changePreviewLines } from '../engine/change-preview-lines.js';
import type { Session } from '../session/open.js';
import type { Transport } from '../transport/types.js';
import { InputError } from '../util/exit.js';
import { err as stderr, out as stdout } from '../util/out.js';
import type { TextOut } from '../util/text.js';

/** The change preview of `version` on the session's target, read through `transport`. */
export const sessionPreview = (
  session: Session,
  transport: Transport,
  version: string,
): Promise<ChangePreview> =>
  gatherChangePreview(
    { transport, target: session.target, store: session.store, targetName: session.name },
    version,
  );

/** The preview as `--plan` and a headless deploy print it: its lines, then a blank line. */
export function writeChangePreview(out: TextOut, preview: ChangePreview): void {
  out.write(
    `${changePreviewLines(preview)
      .map((l) => `${l.text}\n`)
      .join('')}\n`,
  );
}

/**
 * A headless deploy prints its change preview first; a same-version deploy
 * is warned about on stderr too, and a downgrade across a migration is
 * refused (exit 2) unless `--allow-downgrade` confirms it: no one is there
 * to answer the TUI's `y`.
 */
export function confirmChanges(
  preview: ChangePreview,
  allowDowngrade: boolean,
  out: TextOut = stdout,
  err: TextOut = stderr,
): void {
  writeChangePreview(out, preview);
  if (preview.direction === 'same')
    err.write(`warning: ${preview.version} is the version already running on the target\n`);
  if (!needsDowngradeConfirmation(preview)) return;
  const migrations = preview.migrationsLost.map((t) => `migration_${t}.sql`).join(', ');
  if (!allowDowngrade)
    throw new InputError(
      `${preview.version} is a downgrade from ${preview.runningVersion} across ${migrations} (applied to the database, which keeps it): ` +
        `pass ${ALLOW_DOWNGRADE_FLAG} to deploy it anyway, or deploy a version that has these migrations`,
    );
  err.write(`warning: downgrade across ${migrations} confirmed by ${ALLOW_DOWNGRADE_FLAG}\n`);
}
