import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs`, for ages such as "stale 12s". */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    t.unref?.();
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
