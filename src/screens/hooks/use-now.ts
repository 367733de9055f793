import { useEffect, useState } from 'react';

/**
 * The current time, re-read every `intervalMs` while `active` (a running
 * step's elapsed time). Idle, it does not tick: no renders for nothing.
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
