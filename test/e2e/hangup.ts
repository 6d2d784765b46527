import { readdirSync, readFileSync } from 'node:fs';
import { PtySession } from './pty.js';

// Hanging up on the built binary at a chosen moment, and finding what it left running: each run is tagged with
// an environment variable, so every process it started (node, ssh children) is found in /proc.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of the processes whose environment holds `tag` (the run's own, and any child they started). */
export function taggedPids(tag: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`MVM_HANGUP_RUN=${tag}`)) out.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return out;
}

export type How = 'close' | 'SIGHUP' | 'SIGTERM';
export interface Run {
  how: How;
  atMs: number;
  /** From the hang-up until no process of the run but the wrapper shell was left. */
  endedMs: number;
}

export async function hangUpOnce(tag: string, how: How, atMs: number, args: string[], env: Record<string, string>): Promise<Run> {
  const s = await PtySession.start({ args, cols: 100, rows: 30, env: { ...env, MVM_HANGUP_RUN: tag } });
  await sleep(atMs);
  if (how === 'close') s.hangUp();
  else {
    try {
      process.kill(s.programPid(), how);
    } catch {
      s.hangUp(); // not started yet: the wrapper alone
    }
  }
  const t0 = performance.now();
  const others = () => taggedPids(tag).filter((p) => p !== s.wrapperPid);
  while (others().length && performance.now() - t0 < 5000) await sleep(10);
  const endedMs = performance.now() - t0;
  s.hangUp(); // the wrapper, after a signal to the program alone
  for (let i = 0; i < 100 && taggedPids(tag).length; i++) await sleep(20);
  s.kill();
  return { how, atMs, endedMs };
}

