import { useEffect, useRef, useState } from 'react';

/**
 * The current time for ages such as "up 12m3s" or "stale 4s", read at each render and checked every
 * `intervalMs`; the check re-renders only when `shown(now)` (the ages as drawn) would read differently: ages
 * in hours move once a minute, not 60 times, and a screen without ages does not re-render at all.
 * Every render (a report that changed the screen) draws the ages as of its own time and starts the wait for the
 * next check over, an interval and a half from then: while reports redraw the screen every interval the
 * ages move with them, in the same frame, instead of in a frame of their own between two reports.
 */
export function useShownClock(shown: (now: number) => string, intervalMs = 1000): number {
  const [, setTick] = useState(0);
  // a render for any other reason (a report) draws with the time it happens at, not the last check's
  const now = Date.now();
  const latest = useRef({ shown, now });
  latest.current = { shown, now };
  const byClock = useRef(false);
  useEffect(() => {
    let t: ReturnType<typeof setTimeout>;
    const check = () => {
      const { shown: draw, now: drawn } = latest.current;
      if (draw(Date.now()) !== draw(drawn)) {
        byClock.current = true;
        setTick((n) => n + 1);
      } else arm(intervalMs);
    };
    const arm = (ms: number) => {
      t = setTimeout(check, ms);
      t.unref?.();
    };
    // After a report, half an interval of slack: the next is due about an interval later, give or take its
    // refresh time. After the clock's own render, the next check is an interval on, so ages keep moving every second.
    arm(byClock.current ? intervalMs : intervalMs * 1.5);
    byClock.current = false;
    return () => clearTimeout(t);
  });
  return now;
}
