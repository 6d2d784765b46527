import { useEffect, useRef, useState } from 'react';

/**
 * The current time for ages such as "up 12m3s" or "stale 4s", checked every `intervalMs` but moved on only when
 * `shown(now)` (the ages as drawn) reads differently: ages in hours tick once a minute, not 60 times, and a
 * screen without ages does not re-render at all.
 */
export function useShownClock(shown: (now: number) => string, intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  const latest = useRef({ shown, now });
  latest.current = { shown, now };
  useEffect(() => {
    const t = setInterval(() => {
      const next = Date.now();
      const { shown: draw, now: drawn } = latest.current;
      if (draw(next) !== draw(drawn)) setNow(next);
    }, intervalMs);
    t.unref?.();
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
