import { readFileSync } from 'node:fs';
import pty from 'node-pty';
import { CLI, cliArgs } from './env.js';
import { sleep } from './stats.js';

// The UI as it ships (bin/mvm-tui over the bench's npm run build) in a real pseudo-terminal: its share of a
// core over `ms` once it shows live state, store, renders and all, not only the poller.

/** A process's CPU so far, in ms, from /proc (utime and stime, USER_HZ 100). */
export function procCpu(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) * 10, system: Number(f[12]) * 10 };
}

function cpuMs(pid: number): number {
  const c = procCpu(pid);
  return c.user + c.system;
}

/** The environment the UI runs with in a pty: ours without CI (Ink draws nothing live under it). */
export function uiEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI') env[k] = v;
  env.TERM = 'xterm-256color';
  // dist/ has production React built in; a `cli` with React from node_modules would otherwise load the
  // development build (~1.5x the CPU per render measured here).
  env.NODE_ENV = 'production';
  return env;
}

/** A pty hands a frame over in pieces of ~4 KB: reads closer together than this are one frame. */
const FRAME_GAP_MS = 5;

export interface CpuWindow {
  share: number;
  frames: number;
}

/** The UI's CPU share over `ms` after `warmMs`; with `againAtMs`, also over `ms` from that long after the spawn, in
 *  the same process (V8 still compiles hot functions for about a minute: the first window carries that, the later
 *  one is what a UI left open costs). */
export async function appCpuShare(inventory: string, ms: number, warmMs = 5_000, cli = CLI, againAtMs?: number): Promise<CpuWindow & { later?: CpuWindow }> {
  const p = pty.spawn(process.execPath, cliArgs(cli, '--config', inventory), { name: 'xterm-256color', cols: 160, rows: 50, cwd: process.cwd(), env: uiEnv() });
  let frames = 0;
  let exited = false;
  let lastRead = 0;
  p.onData(() => {
    const now = performance.now();
    if (now - lastRead > FRAME_GAP_MS) frames++;
    lastRead = now;
  });
  p.onExit(() => (exited = true));
  try {
    const spawned = performance.now();
    const window = async (): Promise<CpuWindow> => {
      const c0 = cpuMs(p.pid);
      const f0 = frames;
      const t0 = performance.now();
      await sleep(ms);
      if (exited) throw new Error('the UI exited while measured');
      return { share: (cpuMs(p.pid) - c0) / (performance.now() - t0), frames: frames - f0 };
    };
    await sleep(warmMs); // start-up, connections, first statuses and probes
    if (exited) throw new Error('the UI exited during start-up');
    const first = await window();
    if (againAtMs === undefined) return first;
    await sleep(Math.max(0, againAtMs - (performance.now() - spawned)));
    return { ...first, later: await window() };
  } finally {
    p.write('q');
    await Promise.race([new Promise<void>((r) => p.onExit(() => r())), sleep(3_000)]);
    if (!exited) p.kill();
  }
}
