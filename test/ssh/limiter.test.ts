import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/ssh/limiter.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Limiter', () => {
  it('never runs more than its size at once, and runs everything', async () => {
    const lim = new Limiter(3);
    let now = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        lim.run(async () => {
          now++;
          peak = Math.max(peak, now);
          await new Promise((r) => setTimeout(r, 1 + (i % 4)));
          now--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(lim.running).toBe(0);
  });

  it('grants slots in order of request and frees a slot when a task throws', async () => {
    const lim = new Limiter(1);
    const order: number[] = [];
    const failing = lim.run(async () => {
      throw new Error('boom');
    });
    const rest = [1, 2, 3].map((n) => lim.run(async () => void order.push(n)));
    await expect(failing).rejects.toThrow('boom');
    await Promise.all(rest);
    expect(order).toEqual([1, 2, 3]);
  });

  it('a double release frees only one slot', async () => {
    const lim = new Limiter(1);
    const release = await lim.acquire();
    const second = lim.acquire();
    const third = lim.acquire();
    release();
    release();
    await second;
    await tick();
    expect(lim.running).toBe(1);
    expect(lim.queued).toBe(1);
    void third;
  });

  it('an aborted waiter leaves the queue; rejectAll fails the rest', async () => {
    const lim = new Limiter(1);
    await lim.acquire();
    const ac = new AbortController();
    const aborted = lim.acquire(ac.signal);
    const other = lim.acquire();
    ac.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(lim.queued).toBe(1);
    lim.rejectAll(new Error('connection lost'));
    await expect(other).rejects.toThrow('connection lost');
  });

  it('refuses a size below 1', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
  });
});
