import type { CominInfo } from '../store/slices/hosts.js';
import type { Controller } from './controller.js';

// GitOps status in the host header where the host runs Comin, and `F` to make it fetch now. Hosts without
// Comin show nothing, and the fetch command only appears once some host is seen to have Comin.

export interface CominDeps {
  hosts: string[];
  /** null: no Comin on that host. */
  status(host: string): Promise<CominInfo | null>;
  fetch(host: string): Promise<{ ok: boolean; message: string }>;
  everyMs?: number;
}

export function startCominWatch(c: Controller, deps: CominDeps): () => void {
  let registered = false;
  let stopped = false;
  const poll = async () => {
    for (const host of deps.hosts) {
      const info = await deps.status(host).catch(() => null);
      if (stopped) return;
      c.store.dispatch({ type: 'hosts/comin', host, comin: info });
      if (info && !registered) {
        registered = true;
        c.register('host.cominFetch', async ({ selected }) => {
          const h = selected?.host ?? host;
          if (!c.store.getState().hosts.byName[h]?.comin) return c.status(`${h} has no Comin`, 'warn');
          if (!(await c.confirm({ title: `Ask Comin on ${h} to fetch now?`, lines: ['comin fetch', 'A new commit is then built and deployed by Comin.'] }))) return c.status('fetch cancelled');
          const r = await deps.fetch(h);
          c.status(`comin fetch on ${h}: ${r.message}`, r.ok ? 'ok' : 'error');
          void poll();
        });
      }
    }
  };
  void poll();
  const t = setInterval(() => void poll(), deps.everyMs ?? 30_000);
  t.unref?.();
  return () => {
    stopped = true;
    clearInterval(t);
  };
}
