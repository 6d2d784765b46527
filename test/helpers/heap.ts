import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// vitest runs without --expose-gc: the flag is set at run time and gc() taken from a fresh context, which
// then has it.
setFlagsFromString('--expose-gc');
/** A full collection: what the heap holds next is what is kept alive. */
export const gc = runInNewContext('gc') as () => void;

/** What `hold()` returns and the heap it keeps alive, measured between two full collections. */
export function heapKeptBy<T>(hold: () => T): { kept: T; bytes: number } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = hold();
  gc();
  return { kept, bytes: process.memoryUsage().heapUsed - before };
}
