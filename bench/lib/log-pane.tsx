import { render, type Instance } from 'ink';
import { useSyncExternalStore } from 'react';
import type { Store } from '../../src/store/store.js';
import { LogPane } from '../../src/views/LogPane.js';
import { FakeStdin, FakeStdout } from './fake-tty.js';

// The store's log pane `id` drawn by the real <LogPane> with Ink into a 120x32 in-process terminal, as the log
// benches (log-flood.tsx, log-memory.ts) draw it; `out` records every frame Ink writes.

function Pane({ store, id }: { store: Store; id: string }) {
  const pane = useSyncExternalStore(store.subscribe, () => store.getState().logs.byId[id]);
  return pane ? <LogPane pane={pane} width={120} height={30} focused /> : null;
}

export function drawLogPane(store: Store, id: string, maxFps: number): { out: FakeStdout; ink: Instance } {
  const out = new FakeStdout(120, 32);
  const ink = render(<Pane store={store} id={id} />, {
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(120, 32) as unknown as NodeJS.WriteStream,
    patchConsole: false,
    exitOnCtrlC: false,
    maxFps,
  });
  return { out, ink };
}
