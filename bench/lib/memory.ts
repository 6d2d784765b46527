import { sleep } from './stats.js';

/** Full collections with pauses between (V8 hands freed pages back from a background task), so memory read
 *  next is what is kept, not what awaits collection. Needs node --expose-gc (bench/run.sh passes it). */
export async function settleMemory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(200);
  }
}
