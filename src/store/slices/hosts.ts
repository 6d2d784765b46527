import type { HostMode, HostStatus } from '../../model/status.js';
import type { ConnState } from '../../model/connection.js';
import type { Action } from './index.js';

// Per hypervisor: what the inventory says, the last status report, the connection, and bounded
// memory/CPU history per VM for the sparklines.

export const HISTORY_MAX = 30;

export interface VmInfo {
  name: string;
  role: string;
  unit: string;
}

export interface VmHistory {
  /** Memory in bytes, oldest first. */
  mem: number[];
  /** CPU use in percent of one core, oldest first. */
  cpu: number[];
  lastCpuNs: number | null;
  lastAt: number | null;
}

export interface CominInfo {
  commit: string;
  status: string;
  /** ms epoch of the last fetch, or null. */
  fetchedAt: number | null;
}

export interface HostEntry {
  name: string;
  readOnly: boolean;
  vms: VmInfo[];
  status: HostStatus | null;
  conn: ConnState | null;
  /** ms epoch of the last reachable report (what the stale age counts from). */
  lastOkAt: number | null;
  /** ms epoch since the host is unreachable, or null while it answers. */
  downSince: number | null;
  history: Record<string, VmHistory>;
  comin: CominInfo | null;
  /** Kept fresh by its events or polled (null: the poller only polls, `events: false`). */
  mode: HostMode | null;
}

export interface HostsState {
  order: string[];
  byName: Record<string, HostEntry>;
}

export type HostsAction =
  | { type: 'hosts/init'; hosts: Array<{ name: string; readOnly?: boolean; vms: VmInfo[] }> }
  | { type: 'hosts/status'; status: HostStatus; at: number }
  | { type: 'hosts/conn'; conn: ConnState }
  | { type: 'hosts/comin'; host: string; comin: CominInfo | null }
  | { type: 'hosts/mode'; host: string; mode: HostMode };

export const initialHosts: HostsState = { order: [], byName: {} };

function emptyHost(name: string): HostEntry {
  return { name, readOnly: false, vms: [], status: null, conn: null, lastOkAt: null, downSince: null, history: {}, comin: null, mode: null };
}

function push(list: number[], v: number): number[] {
  const next = list.length >= HISTORY_MAX ? list.slice(list.length - HISTORY_MAX + 1) : list.slice();
  next.push(v);
  return next;
}

/** Shorter than this between two counter readings, the rate is mostly the jitter of when each was taken. */
const MIN_CPU_INTERVAL_MS = 1000;

function nextHistory(prev: VmHistory | undefined, memory: number | null, cpuNs: number | null, at: number): VmHistory {
  const h = prev ?? { mem: [], cpu: [], lastCpuNs: null, lastAt: null };
  // The same reading again (the status re-sent with new probe results): no new sample, or it would read as 0%.
  if (cpuNs !== null && cpuNs === h.lastCpuNs) return h;
  const mem = memory === null ? h.mem : push(h.mem, memory);
  // no counter (stopped, auto-restart): no rate either (NaN: the card shows '–', the sparkline skips it)
  if (cpuNs === null) return { mem, cpu: h.lastCpuNs === null && h.cpu.length ? h.cpu : push(h.cpu, NaN), lastCpuNs: null, lastAt: null };
  if (h.lastCpuNs === null || h.lastAt === null || cpuNs < h.lastCpuNs) {
    // first reading, or after a gap or a restart (the counter starts again): a base for the next rate
    return { mem, cpu: h.cpu, lastCpuNs: cpuNs, lastAt: at };
  }
  if (at - h.lastAt < MIN_CPU_INTERVAL_MS) return { ...h, mem };
  // CPUUsageNSec is cumulative: the rate between two readings is the use in that interval
  const cpu = push(h.cpu, ((cpuNs - h.lastCpuNs) / ((at - h.lastAt) * 1e6)) * 100);
  return { mem, cpu, lastCpuNs: cpuNs, lastAt: at };
}

function applyStatus(prev: HostEntry, s: HostStatus, at: number): HostEntry {
  if (!s.reachable) {
    // keep the last good data on screen, marked stale by the view
    const kept: HostStatus = prev.status ? { ...prev.status, reachable: false, error: s.error } : s;
    return { ...prev, status: kept, downSince: prev.downSince ?? at };
  }
  const history: Record<string, VmHistory> = {};
  for (const vm of s.vms) history[vm.name] = nextHistory(prev.history[vm.name], vm.memoryBytes, vm.cpuNs, at);
  const known = new Set(prev.vms.map((v) => v.name));
  const vms = [...prev.vms, ...s.vms.filter((v) => !known.has(v.name)).map((v) => ({ name: v.name, role: v.role, unit: v.unit }))];
  return { ...prev, vms, status: s, lastOkAt: at, downSince: null, history };
}

export function hostsReducer(state: HostsState = initialHosts, action: Action): HostsState {
  switch (action.type) {
    case 'hosts/init': {
      const byName: Record<string, HostEntry> = {};
      for (const h of action.hosts) byName[h.name] = { ...(state.byName[h.name] ?? emptyHost(h.name)), readOnly: Boolean(h.readOnly), vms: h.vms };
      return { order: action.hosts.map((h) => h.name), byName };
    }
    case 'hosts/status': {
      const name = action.status.name;
      const prev = state.byName[name] ?? emptyHost(name);
      const order = state.order.includes(name) ? state.order : [...state.order, name];
      return { order, byName: { ...state.byName, [name]: applyStatus(prev, action.status, action.at) } };
    }
    case 'hosts/conn': {
      const prev = state.byName[action.conn.host];
      if (!prev) return state;
      const down = action.conn.status === 'down';
      const downSince = down ? (prev.downSince ?? action.conn.since) : prev.downSince;
      return { ...state, byName: { ...state.byName, [prev.name]: { ...prev, conn: action.conn, downSince } } };
    }
    case 'hosts/comin': {
      const prev = state.byName[action.host];
      if (!prev) return state;
      return { ...state, byName: { ...state.byName, [prev.name]: { ...prev, comin: action.comin } } };
    }
    case 'hosts/mode': {
      const prev = state.byName[action.host];
      if (!prev) return state;
      return { ...state, byName: { ...state.byName, [prev.name]: { ...prev, mode: action.mode } } };
    }
    default:
      return state;
  }
}
