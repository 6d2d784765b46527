import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { gatherSections, renderGatherScript, splitSections } from '../../src/host/gather.js';
import { parseCominStatus } from '../../src/parsers/comin.js';
import {
  parseDf,
  parseFailedUnits,
  parseIpLinks,
  parseIsSystemRunning,
  parseJournalJson,
  parseLoadavg,
  parseMeminfo,
  parseSystemctlShow,
  parseZfsGet,
  parseZpoolList,
  parseZpoolStatus,
} from '../../src/parsers/index.js';
import { demoHost, loadDemoHost } from './helpers.js';

// The demo's output has the real tools' formats: compared line-shape by line-shape with real captures
// (test/fixtures, see SOURCES.md: the lab's systemd 252 and real coreutils/procps/iproute2 output), and read
// by the app's own parsers without complaint.

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const keys = (text: string) => text.split('\n').filter(Boolean).map((l) => l.split('=')[0]);

describe('demo output formats', () => {
  test('the gather script: same sections as on the lab, and systemctl show keys in systemd 252 order', async () => {
    const { sh } = demoHost();
    const host = loadDemoHost();
    const demo = splitSections((await sh(renderGatherScript(gatherSections(host)))).stdout);
    const lab = splitSections(fixture('gather/lab-baseline.txt'));
    for (const name of ['system', 'failed', 'loadavg', 'meminfo', 'zpool-list', 'zpool-status', 'df', 'zfs', 'units']) expect(demo.has(name), name).toBe(lab.has(name));
    const firstUnit = (t: string) => t.split('\n\n')[0]!;
    expect(keys(firstUnit(demo.get('units')!.text))).toEqual(keys(firstUnit(lab.get('units')!.text)));
    // df -B1 -P: the same header, columns padded the way coreutils pads them.
    expect(demo.get('df')!.text.split('\n')[0]).toMatch(/^Filesystem +1-blocks +Used +Available Capacity Mounted on$/);
    expect(lab.get('df')!.text.split('\n')[0]).toMatch(/^Filesystem +1-blocks +Used +Available Capacity Mounted on$/);
    const df = parseDf(demo.get('df')!.text);
    expect(df).toEqual([expect.objectContaining({ filesystem: 'microvms/storage', mountpoint: '/var/lib/microvms' })]);
    expect(df[0]!.size).toBe(df[0]!.used + df[0]!.available);
  });

  test('systemctl show: the lab command prints in the same order, with systemd timestamps', async () => {
    const { sh } = demoHost();
    const out = (await sh('systemctl show microvm@vm1 -p ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID')).stdout;
    expect(keys(out)).toEqual(keys(fixture('systemctl/lab-show-vm1-active.txt')));
    expect(out).toMatch(/^ActiveEnterTimestamp=(Mon|Tue|Wed|Thu|Fri|Sat|Sun) 2026-11-\d\d \d\d:\d\d:\d\d UTC$/m);
    const several = parseSystemctlShow((await sh('systemctl show microvm@vm1 microvm@vm9 --timestamp=unix -p Id,LoadState,ActiveState,MemoryCurrent')).stdout);
    expect(several).toEqual([
      expect.objectContaining({ Id: 'microvm@vm1.service', LoadState: 'loaded', ActiveState: 'active' }),
      expect.objectContaining({ Id: 'microvm@vm9.service', LoadState: 'not-found', MemoryCurrent: '[not set]' }),
    ]);
  });

  test('system state, failed units, load and memory parse', async () => {
    const { sh } = demoHost();
    expect(parseIsSystemRunning((await sh('systemctl is-system-running')).stdout)).toBe('running');
    expect(parseFailedUnits((await sh('systemctl list-units --state=failed --no-legend --plain --no-pager')).stdout)).toEqual([]);
    expect(parseLoadavg((await sh('cat /proc/loadavg')).stdout)).toHaveLength(3);
    const mem = parseMeminfo((await sh('cat /proc/meminfo')).stdout);
    expect(mem.MemTotal).toBeGreaterThan(mem.MemAvailable!);
    expect(mem.MemAvailable).toBeGreaterThan(0);
  });

  test('list-units -o json has the lab keys; the plain table pads like systemd', async () => {
    const { sh } = demoHost();
    const arr = JSON.parse((await sh("systemctl list-units 'microvm@*' --all -o json")).stdout);
    expect(Object.keys(arr[0])).toEqual(['unit', 'load', 'active', 'sub', 'description']);
    expect(arr.map((u: { unit: string }) => u.unit)).toEqual(['microvm@vm1.service', 'microvm@vm2.service', 'microvm@vm3.service', 'microvm@vm4.service', 'microvm@vm5.service']);
    const plain = (await sh("systemctl list-units 'microvm*' --all --no-legend --plain")).stdout.split('\n');
    expect(plain).toContain("microvm-tap-interfaces@vm1.service loaded active exited  Setup MicroVM 'vm1' TAP interfaces");
  });

  test('zpool list and status parse as one healthy pool; status -x is the real literal', async () => {
    const { sh } = demoHost();
    const [pool] = parseZpoolList((await sh('zpool list -H -o name,size,allocated,free,health')).stdout);
    expect(pool).toMatchObject({ name: 'microvms', health: 'ONLINE' });
    expect(pool!.size).toBeGreaterThan(pool!.allocated!);
    const [st] = parseZpoolStatus((await sh('zpool status')).stdout);
    expect(st).toMatchObject({ name: 'microvms', state: 'ONLINE', scan: { kind: 'scrub', inProgress: false }, errors: { count: 0 } });
    expect(st!.vdevs[0]).toMatchObject({ name: 'microvms', children: [expect.objectContaining({ name: 'nvme1n1', state: 'ONLINE' })] });
    expect((await sh('zpool status -x')).stdout).toBe(fixture('zpool/status-x-all-healthy.txt').trim() + '\n');
  });

  test('zfs get -H -p parses; zfs list prints human sizes like the lab', async () => {
    const { sh } = demoHost();
    const props = parseZfsGet((await sh('zfs get -H -p -o name,property,value -r used,referenced,creation microvms/storage/vm1')).stdout);
    expect(props.get('microvms/storage/vm1')!.used).toMatch(/^\d+$/);
    expect([...props.keys()].filter((k) => k.includes('@'))).toHaveLength(8);
    const lines = (await sh('zfs list -H -o name,used,avail,refer,mountpoint -r microvms')).stdout.split('\n').filter(Boolean);
    expect(lines[2]).toMatch(/^microvms\/storage\/vm1\t\d+(\.\d+)?[KMG]\t\d+(\.\d+)?[KMG]\t\d+(\.\d+)?[KMG]\t\/var\/lib\/microvms\/vm1$/);
  });

  test('ip -j link: bridges and taps as iproute2 prints them, read by parseIpLinks', async () => {
    const { sh } = demoHost();
    const text = (await sh('ip -j link show')).stdout;
    const real = JSON.parse(fixture('ip/ip-j-link-show-bridge-taps-local.json'));
    const ours = JSON.parse(text);
    expect(Object.keys(ours.find((l: { ifname: string }) => l.ifname === 'vm-vm1'))).toEqual(Object.keys(real.find((l: { ifname: string }) => l.ifname === 'vm-vm1')));
    const links = parseIpLinks(text);
    expect(links.find((l) => l.name === 'br-vm1')).toMatchObject({ carrier: true });
    expect(links.find((l) => l.name === 'vm-vm1')).toMatchObject({ master: 'br-vm1' });
  });

  test('journal JSON carries every field a real journald entry has, and parses', async () => {
    const { sh } = demoHost();
    const line = (await sh('journalctl -u microvm@vm1 -o json -n 1 --no-pager')).stdout.trim();
    const real = JSON.parse(fixture('journalctl/lab-f-json-vm1-heartbeats.txt').split('\n')[0]!);
    expect(Object.keys(JSON.parse(line)).sort()).toEqual(expect.arrayContaining(Object.keys(real).sort()));
    const e = parseJournalJson(line)!;
    expect(e).toMatchObject({ unit: 'microvm@vm1.service', identifier: 'microvm@vm1', priority: 6 });
    expect(e.message).toMatch(/^\[vm1\] heartbeat \d+ uptime=\d+s$/);
    const iso = (await sh('journalctl -u microvm@vm1 -o short-iso -n 1')).stdout;
    expect(iso).toMatch(/^2026-11-26T\d\d:\d\d:\d\d\+0000 hypervisor microvm@vm1\[\d+\]: \[vm1\] heartbeat/);
  });

  test('free -b and uptime: the procps layouts', async () => {
    const { sh } = demoHost();
    const free = (await sh('free -b')).stdout.split('\n');
    expect(free[0]).toBe(fixture('free/free-b-local.txt').split('\n')[0]);
    expect((await sh('uptime')).stdout).toMatch(/^ \d\d:\d\d:\d\d up 3 days, {2}7:12, {2}1 user, {2}load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d\n$/);
  });

  test('comin status --json is read by the comin parser', async () => {
    const { sh } = demoHost();
    const st = parseCominStatus((await sh('comin status --json')).stdout);
    expect(st).toMatchObject({ deploymentStatus: 'done', needToReboot: false, deploying: false });
    expect(st!.deployedCommit).toMatch(/^[0-9a-f]{40}$/);
  });
});
