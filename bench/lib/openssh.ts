import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shq } from '../../src/host/quote.js';
import { labReady, SSH_CONFIG } from './env.js';

// The baseline: the seed's way (seed/CLAUDE.md) of answering the questions one mvm-tui refresh answers,
// one OpenSSH command per question, run one after another as a person or a script would.

/** The questions one refresh of a host answers, asked the seed's way (same facts as src/host/gather.ts). */
export function seedQuestions(vms: readonly string[]): string[] {
  const host = [
    'systemctl is-system-running',
    'systemctl --failed',
    'cat /proc/loadavg',
    'free -m',
    'zpool list',
    'zpool status',
    'df -h /var/lib/microvms',
    'zfs list',
    'zfs list -t snapshot',
    'systemctl status ebs-volume-microvm-storage',
    'systemctl list-dependencies microvms.target',
  ];
  const perVm = vms.flatMap((vm) => [
    `systemctl status microvm@${vm}`,
    `ls -la /var/lib/microvms/${vm}/current`,
    `ls -la /var/lib/microvms/${vm}/booted`,
    `ip link show br-${vm}`,
  ]);
  return [...host, ...perVm];
}

/** The seed's "can I reach the VM" check: nested ssh with the hypervisor's own key (as mvm-tui's probe does). */
export function seedProbes(vms: readonly { name: string; address: string }[]): string[] {
  // `; echo rc=$?`: the answer is printed, and 255 stays the outer ssh's own failure (the lab went away)
  return vms.map((v) => `ssh -i /root/.ssh/id_ed25519 -o BatchMode=yes -o ConnectTimeout=5 root@${v.address} true; echo rc=$?`);
}

export interface SeedRunner {
  /** Extra `ssh` options (the ControlMaster ones, or none for cold connections). */
  opts: string[];
  close(): Promise<void>;
}

export function sshOnce(opts: readonly string[], command: string, host = 'lab'): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('ssh', ['-F', SSH_CONFIG, '-o', 'LogLevel=ERROR', ...opts, host, command], { maxBuffer: 64 << 20 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

/** Asks every question in order (exit codes ignored: `systemctl status` of a stopped unit exits 3). */
export async function askAll(opts: readonly string[], commands: readonly string[]): Promise<number> {
  let failures = 0;
  for (const c of commands) if ((await sshOnce(opts, c)).code === 255) failures++;
  return failures;
}

export const cold: SeedRunner = { opts: [], close: async () => undefined };

/** A warm ControlMaster in a temp dir: the best a person can do by hand with OpenSSH. */
export async function controlMaster(): Promise<SeedRunner> {
  const dir = mkdtempSync(join(tmpdir(), 'mvm-bench-cm-'));
  const opts = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(dir, 'cm-%C')}`, '-o', 'ControlPersist=300'];
  await sshOnce(opts, 'true'); // opens the master
  return {
    opts,
    close: async () => {
      await sshOnce([...opts, '-O', 'exit'], '');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bash script that asks the questions with OpenSSH, as a person would automate the seed's runbook. */
export function seedScript(commands: readonly string[], controlPathDir?: string): string {
  const cm = controlPathDir ? ` -o ControlMaster=auto -o ControlPath=${shq(join(controlPathDir, 'cm-%C'))} -o ControlPersist=60` : '';
  const lines = ['#!/bin/bash', `S="ssh -F ${shq(SSH_CONFIG)} -o LogLevel=ERROR${cm}"`];
  // exit 1 when a connection failed (255): the benchmark then throws the round out
  lines.push('f=0');
  for (const c of commands) lines.push(`$S lab ${shq(c)} >/dev/null 2>&1; [ $? = 255 ] && f=1`);
  if (controlPathDir) lines.push(`$S -O exit lab 2>/dev/null`);
  lines.push('exit $f');
  return lines.join('\n') + '\n';
}

/** The lab is shared and sometimes rebuilt by others: wait for it (up to 5 min) rather than measure a gap. */
export async function waitForLab(): Promise<boolean> {
  const t0 = performance.now();
  for (;;) {
    if (labReady() && (await sshOnce(['-o', 'ConnectTimeout=3'], 'systemctl is-system-running --wait >/dev/null 2>&1; true')).code === 0) {
      const waited = performance.now() - t0;
      if (waited > 5_000) console.log(`  (waited ${(waited / 1000).toFixed(0)} s for the lab to come back up)`);
      return true;
    }
    if (performance.now() - t0 > 300_000) return false;
    await new Promise((r) => setTimeout(r, 5_000));
  }
}

/**
 * Times `round` `n` times; a round that saw the lab go away (returns false) is thrown out and run again once
 * the lab answers (at most 3 times per round), so a rebuild by someone else never counts as a result.
 */
export async function rounds(n: number, round: () => Promise<boolean>): Promise<{ times: number[]; discarded: number }> {
  const times: number[] = [];
  let discarded = 0;
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      const ok = await round().catch(() => false);
      if (ok) {
        times.push(performance.now() - t0);
        break;
      }
      discarded++;
      if (attempt >= 3 || !(await waitForLab())) throw new Error('the lab kept going away; giving up');
    }
  }
  return { times, discarded };
}
