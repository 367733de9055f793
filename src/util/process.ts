/**
 * Whether a process with this pid exists on this machine. Signal 0 only
 * checks; EPERM means it exists but belongs to another user, which is still
 * alive (a lock held by someone else's run is not stale).
 */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
