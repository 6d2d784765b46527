import { mkdtemp, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { registerLogHandlers } from '../../src/controller/logs.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { setup } from './setup.js';

// The log panes inside the app, driven by keys: l / L from the grid, then the pane's own keys.

const REAL = readFileSync(new URL('../fixtures/journalctl/lab-f-json-vm1-heartbeats.txt', import.meta.url), 'utf8').trim().split('\n');

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function app(cols = 200, rows = 40) {
  const t = setup({ cols, rows });
  const transport = new ScriptedTransport();
  const dir = await mkdtemp(join(tmpdir(), 'mvm-logpane-'));
  const stop = registerLogHandlers(t.controller, { transport, saveDir: dir });
  cleanup = () => {
    stop();
    t.r.unmount();
  };
  await t.r.waitFor('vm1');
  return { ...t, transport, dir };
}

it('l opens the selected VM’s log beside the grid, streaming journalctl -f over the host connection', async () => {
  const t = await app();
  await t.r.press('l');
  await t.r.waitFor('vm1 microvm@vm1 @ hv1');
  expect(t.transport.sent.map((s) => s.command)).toEqual(['journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f -n 100 --no-pager']);
  for (const l of REAL.slice(0, 3)) t.transport.streams[0]!.handlers.onLine(l);
  const f = await t.r.waitFor('heartbeat 13 uptime=24s');
  expect(f).toContain('3 held');
  expect(f.split('\n').find((l) => l.includes('heartbeat 13'))).toMatch(/vm\d|[│║]/); // the grid is still there
});

it('L adds a second pane side by side; tab moves between them; escape closes one and its stream', async () => {
  const t = await app();
  await t.r.press('l');
  await t.r.waitFor('microvm@vm1 @ hv1');
  await t.r.press('tab', 'right', 'L'); // back to the grid, select vm2, add its pane
  await t.r.waitFor('▶ vm2 microvm@vm2 @ hv1');
  expect(t.r.lastFrame()).toContain('vm1 microvm@vm1 @ hv1');
  expect(t.transport.streams.map((s) => s.command)).toEqual([
    'journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f -n 100 --no-pager',
    'journalctl -u microvm@vm2 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f -n 100 --no-pager',
  ]);
  await t.r.press('escape');
  await t.r.waitFor((f) => !f.includes('microvm@vm2 @ hv1'));
  expect(t.transport.streams[1]!.cancelled).toBe(true);
  expect(t.transport.streams[0]!.cancelled).toBe(false);
});

it('at 160 columns a second pane (L) sits beside the first and the grid; | stacks them, and the choice stays for new panes', async () => {
  const t = await app(160, 40);
  await t.r.press('l');
  await t.r.waitFor('microvm@vm1 @ hv1');
  await t.r.press('tab', 'right', 'L');
  let f = await t.r.waitFor('▶ vm2 microvm@vm2 @ hv1');
  const titles = (frame: string) => frame.split('\n').findIndex((l) => l.includes('vm1 microvm@vm1 @ hv1') && l.includes('vm2 microvm@vm2 @ hv1'));
  const row = titles(f);
  expect(row).toBeGreaterThanOrEqual(0); // one screen line holds both panes' titles...
  expect(f.split('\n')[row]!.indexOf('vm1 microvm@vm1')).toBeGreaterThanOrEqual(40); // ...right of the grid's column of cards
  expect(f.split('\n').some((l) => /^[│║] *> vm1 /.test(l) || /^[│║]> vm1/.test(l) || /^[│║][> ] ?vm2\b/.test(l))).toBe(true);
  await t.r.press('|');
  f = await t.r.waitFor((fr) => titles(fr) < 0 && fr.includes('panes stacked, in rows'));
  const lines = f.split('\n');
  expect(lines.findIndex((l) => l.includes('vm1 microvm@vm1'))).toBeLessThan(lines.findIndex((l) => l.includes('vm2 microvm@vm2')));
  expect(t.store.getState().ui.paneSplit).toBe('rows');
  await t.r.press('escape', 'escape'); // close both panes; a new pair opens stacked again
  await t.r.waitFor((fr) => !fr.includes('microvm@vm1 @ hv1') && !fr.includes('microvm@vm2 @ hv1'));
  await t.r.press('l');
  await t.r.waitFor('▶ vm2 microvm@vm2 @ hv1');
  await t.r.press('tab', 'left', 'L');
  f = await t.r.waitFor('▶ vm1 microvm@vm1 @ hv1');
  expect(titles(f)).toBe(-1);
  await t.r.press('|');
  await t.r.waitFor((fr) => titles(fr) >= 0);
});

it('follow, scroll back (pauses), G resumes; typed filter; timestamps, range (restarts the stream), zoom; save to a file', async () => {
  const t = await app();
  await t.r.press('l');
  await t.r.waitFor('microvm@vm1 @ hv1');
  for (const l of REAL) t.transport.streams[0]!.handlers.onLine(l);
  await t.r.waitFor('17 held');
  // every line fits the pane: scrolling back pauses, and hides no line under blank rows
  await t.r.press('k', 'k');
  await t.r.waitFor('PAUSED · 17 held');
  await t.r.press('G');
  await t.r.waitFor('FOLLOW');
  await t.r.press('/');
  await t.r.type('!heartbeat');
  await t.r.waitFor('5 filtered out');
  await t.r.press('return');
  await t.r.waitFor('/!heartbeat/');
  await t.r.press('t');
  await t.r.waitFor((f) => !/11:59:\d\d/.test(f));
  t.transport.streams[0]!.handlers.onLine(REAL[3]!.replace('"__CURSOR":"', '"__CURSOR":"pending-')); // still in a batch
  await t.r.press('R');
  await t.r.waitFor('last 1000');
  await t.r.waitFor('0 held');
  expect(t.transport.streams[0]!.cancelled).toBe(true);
  expect(t.transport.streams[1]!.command).toBe('journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f -n 1000 --no-pager');
  for (const l of REAL.slice(0, 4)) t.transport.streams[1]!.handlers.onLine(l);
  await t.r.waitFor('4 held');
  await t.r.press('Z');
  await t.r.waitFor((f) => !f.includes('vm3'));
  await t.r.press('ctrl-s');
  const f = await t.r.waitFor(/saved 4 lines to /);
  const path = /saved 4 lines to (\S+)/.exec(f)![1]!;
  expect(path.startsWith(t.dir)).toBe(true);
  expect((await readFile(path, 'utf8')).split('\n')[0]).toBe('2026-11-26T11:59:38.907Z microvm@vm1[info]: [vm1] heartbeat 11 uptime=20s');
});

it('shows a drop in the pane header and resumes after the last cursor by itself', async () => {
  const t = await app();
  await t.r.press('l');
  await t.r.waitFor('microvm@vm1 @ hv1');
  t.transport.streams[0]!.handlers.onLine(REAL[0]!);
  t.transport.streams[0]!.end({ code: null });
  await t.r.waitFor('reconnecting in 2s: connection dropped');
  await new Promise((r) => setTimeout(r, 2100));
  expect(t.transport.streams[1]?.command).toContain('--after-cursor');
}, 10_000);

it('J opens a pane on any unit of the host: a bad name is refused, a good one is followed', async () => {
  const t = await app();
  await t.r.press('J');
  await t.r.waitFor('unit on hv1:');
  await t.r.type('x;reboot');
  await t.r.press('return');
  await t.r.waitFor('not a valid unit name');
  expect(t.transport.sent.filter((x) => x.kind === 'stream')).toEqual([]);
  for (let i = 0; i < 8; i++) await t.r.press('backspace');
  await t.r.type('comin');
  await t.r.press('return');
  await t.r.waitFor('comin @ hv1');
  expect(t.transport.sent.filter((x) => x.kind === 'stream').map((s) => s.command)).toEqual(['journalctl -u comin -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f -n 100 --no-pager']);
  await t.r.press('escape');
  await t.r.waitFor((f) => !f.includes('comin @ hv1'));
  expect(t.transport.streams[0]!.cancelled).toBe(true);
});

// `systemctl list-units --all --type=service --plain --no-legend` on the demo host (its format is systemd's)
const LIST_UNITS = [
  'comin.service                        loaded active   running Comin - GitOps for NixOS Machines',
  'ebs-volume-microvm-storage.service   loaded active   exited  Attach EBS volume microvm-storage and import its ZFS pool',
  'microvm@vm1.service                  loaded active   running MicroVM \'vm1\'',
  'sshd.service                         loaded active   running SSH Daemon',
  'systemd-journald.service             loaded active   running Journal Service',
  'systemd-networkd.service             loaded active   running Network Configuration',
].join('\n');

it('J lists the host\'s units as you type and tab completes the name', async () => {
  const t = await app();
  t.transport.on('systemctl list-units', { stdout: `${LIST_UNITS}\n` });
  await t.r.press('J');
  let f = await t.r.waitFor('tab completes:');
  expect(f).toMatch(/comin\.service {2}ebs-volume-microvm-storage\.service {2}microvm@vm1\.service {2}sshd\.service/);
  expect(t.transport.sent.map((s) => s.command)).toContain('systemctl list-units --all --type=service --full --plain --no-legend --no-pager');
  await t.r.type('sy');
  f = await t.r.waitFor((fr) => fr.includes('tab completes: systemd-journald.service  systemd-networkd.service') && !fr.includes('sshd.service'));
  await t.r.press('tab');
  await t.r.waitFor('unit on hv1: systemd-');
  await t.r.type('j');
  await t.r.press('tab');
  await t.r.waitFor('unit on hv1: systemd-journald.service');
  await t.r.press('return');
  await t.r.waitFor('systemd-journald.service @ hv1');
  expect(t.transport.streams[0]!.command).toMatch(/^journalctl -u systemd-journald\.service -o json /);
});

it('J asks for a unit with the keys of a name field (enter/esc), not the filter’s keep/clear', async () => {
  const t = await app(120, 34);
  await t.r.press('J');
  const f = await t.r.waitFor('unit on hv1:');
  const bar = f.split('\n').at(-1)!;
  expect(bar).toMatch(/(⏎|enter) ok\s+esc cancel/);
  expect(bar).not.toMatch(/keep|clear/);
});

it('g shows the oldest lines held in a full pane, not one line over empty rows', async () => {
  const t = await app(100, 30);
  await t.r.press('l');
  await t.r.waitFor('microvm@vm1 @ hv1');
  // 3 x 17 lines with distinct cursors: more than the pane holds
  const lines = [0, 1, 2].flatMap((k) => REAL.map((l, i) => l.replace(/"__CURSOR":"[^"]*"/, `"__CURSOR":"c${k}-${i}"`).replace(/heartbeat (\d+)/, `heartbeat ${k}-$1`)));
  for (const l of lines) t.transport.streams[0]!.handlers.onLine(l);
  await t.r.waitFor(`${lines.length} held`);
  await t.r.press('g');
  const f = await t.r.waitFor('PAUSED');
  const shown = [...f.matchAll(/heartbeat (\d+-\d+)/g)].map((m) => m[1]);
  const first = /heartbeat (\d+) /.exec(REAL[0]!)![1];
  expect(shown[0]).toBe(`0-${first}`); // the oldest line is at the top
  // and the pane is full below it: every body row between the header and the border has a line
  const rows = f.split('\n');
  const head = rows.findIndex((l) => l.includes('PAUSED'));
  const body = rows.slice(head + 1, rows.findIndex((l, i) => i > head && l.includes('╚')));
  expect(body.length).toBeGreaterThanOrEqual(8);
  for (const l of body) expect(l.replace(/║/g, '').trim()).not.toBe('');
  expect(f).toMatch(new RegExp(`PAUSED -${lines.length - body.length} · ${lines.length} held`));
});
