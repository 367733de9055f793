import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';

/**
 * Replaces `file` with `text` so that a reader, or a crash, sees the old
 * content or the new, never part of either: written to a temporary file
 * beside it, flushed to disk, then renamed over it. A symlink is followed
 * and its target replaced, as a plain write would; a file that is there
 * keeps its owner (root running init on an operator's file leaves it the
 * operator's). `mode` is set exactly, whatever the umask.
 */
export function writeFileAtomically(file: string, text: string, mode: number): void {
  const target = realTarget(file);
  const existing = statOrUndefined(target);
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  // 'wx': never follows or reuses anything already at the temporary name.
  const fd = openSync(temporary, 'wx', mode);
  try {
    try {
      writeFileSync(fd, text);
      fchmodSync(fd, mode);
      if (existing) keepOwner(fd, existing);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The file a path names once its symlinks are followed; the path itself while there is no file yet. */
function realTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return file;
    throw error;
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** Gives the new file the old one's owner; only root may, and only when it differs. */
function keepOwner(fd: number, existing: Stats): void {
  if (existing.uid === process.getuid?.() && existing.gid === process.getgid?.()) return;
  try {
    fchownSync(fd, existing.uid, existing.gid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}
