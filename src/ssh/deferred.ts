import type { ConnState } from '../model/connection.js';
import type { ExecResult, StreamHandle, Transport } from './types.js';

// A Transport whose real one is opened on first use. The UI's first frame needs only the inventory: loading
// ssh2 and its keys before it cost ~35-50 ms of start-up, so the UI renders first and the poller's first
// refresh opens the real transport. Until then every host is 'idle', which is true: nothing was dialled.

export function deferredTransport(open: () => Promise<Transport>): Transport {
  let opening: Promise<Transport> | undefined;
  let real: Transport | undefined;
  let closed = false;
  const listeners = new Set<(s: ConnState) => void>();

  const get = (): Promise<Transport> => {
    if (!opening) {
      if (closed) return Promise.reject(new Error('the transport is closed'));
      opening = open().then(async (t) => {
        await t.prepare?.();
        real = t;
        t.onState((s) => {
          for (const l of listeners) l(s);
        });
        return t;
      });
    }
    return opening;
  };

  return {
    exec: async (target, command, opts) => (await get()).exec(target, command, opts),
    stream(target, command, handlers, opts): StreamHandle {
      if (real) return real.stream(target, command, handlers, opts);
      let inner: StreamHandle | undefined;
      let cancelled = false;
      const ended: ExecResult = { stdout: '', stderr: '', code: null };
      const done = get().then((t) => {
        if (cancelled) return ended;
        inner = t.stream(target, command, handlers, opts);
        return inner.done;
      });
      // As the real stream's: observers still see a rejection, a caller that only cancels gets no unhandled one.
      done.catch(() => undefined);
      return {
        cancel() {
          cancelled = true;
          inner?.cancel();
        },
        done,
      };
    },
    state: (host) => real?.state(host) ?? { host, status: 'idle', since: 0 },
    onState(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}
