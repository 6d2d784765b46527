import { useEffect, useRef, useState } from 'react';

/**
 * The current time for ages such as "up 12m3s" or "stale 4s", read at each render and checked every
 * `intervalMs`; the check re-renders only when `shown(now)` (the ages as drawn) would read differently: ages
 * in hours move once a minute, not 60 times, and a screen without ages does not re-render at all.
 */
export function useShownClock(shown: (now: number) => string, intervalMs = 1000): number {
  const [, setTick] = useState(0);
  // a render for any other reason (a report) draws with the time it happens at, not the last check's
  const now = Date.now();
  const latest = useRef({ shown, now });
  latest.current = { shown, now };
  useEffect(() => {
    const t = setInterval(() => {
      const { shown: draw, now: drawn } = latest.current;
      if (draw(Date.now()) !== draw(drawn)) setTick((n) => n + 1);
    }, intervalMs);
    t.unref?.();
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
