import type { Controller } from './controller.js';

// Custom commands from the inventory (per host: name, key, remote command, dangerous), as `custom.NAME`
// commands: shown in help and the palette, confirmed when dangerous, run on the selected VM's host.

export interface CustomDef {
  host: string;
  name: string;
  command: string;
  dangerous: boolean;
  onVm: boolean;
}

export type CustomRunner = (host: string, name: string, vm: string | undefined) => Promise<{ ok: boolean; message: string }>;

export function registerCustomCommands(c: Controller, defs: CustomDef[], run: CustomRunner): void {
  for (const name of new Set(defs.map((d) => d.name))) {
    c.register(`custom.${name}`, async ({ selected }) => {
      const host = selected?.host ?? defs.find((d) => d.name === name)!.host;
      const def = defs.find((d) => d.name === name && d.host === host);
      if (!def) return c.status(`${name} is not defined on ${host}`, 'warn');
      const where = def.onVm && selected ? `${selected.vm} on ${host}` : host;
      if (def.dangerous) {
        const ok = await c.confirm({ title: `Run ${name} on ${where}?`, lines: [def.command], danger: true });
        if (!ok) return c.status(`${name} cancelled`);
      }
      c.status(`${name}: running on ${where}...`);
      const r = await run(host, name, selected?.vm);
      c.status(`${name} on ${where}: ${r.message}`, r.ok ? 'ok' : 'error');
    });
  }
}
