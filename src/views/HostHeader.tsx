import { memo } from 'react';
import { Box } from 'ink';
import type { HostEntry } from '../store/slices/hosts.js';
import { isStale, staleAge } from '../store/selectors.js';
import { EVENTS_STARTING } from '../model/status.js';
import { AGE_MEASURE, packSegments, type Segment, type Span } from './fit.js';
import { SpanLine } from './SpanLine.js';
import { formatAge, formatBytes, percent, since } from './format.js';

const HEALTH_COLOR: Record<string, string> = { ONLINE: 'green', DEGRADED: 'yellow', FAULTED: 'red', UNAVAIL: 'red', OFFLINE: 'red', SUSPENDED: 'red' };
const SYSTEM_COLOR: Record<string, string> = { running: 'green', degraded: 'yellow', starting: 'yellow', maintenance: 'red', stopping: 'yellow' };
const SEP: Span = { text: ' · ' };

/** When the connection came up (ms epoch), or null when not known. */
function upSince(h: HostEntry): number | null {
  return h.conn?.status === 'up' && h.conn.since ? h.conn.since : null;
}

/**
 * The header's fields in groups (each group starts a line): who and how reachable, the system, the storage, the
 * failed units. `now` null gives them as measured, every age at its widest (fit.ts), so where the lines break
 * does not move with the clock.
 */
function headerGroups(h: HostEntry, now: number | null): Array<{ sep: Span; segs: Segment[] }> {
  const age = (ms: number | null) => (now === null ? AGE_MEASURE : formatAge(ms));
  const stale = isStale(h);
  // a host never reached has no data worth showing, only why
  const s = h.lastOkAt === null && stale ? null : h.status;
  const sys = s?.system;
  // the name and how reachable the host is stay together
  const name: Span[] = [{ text: ` ${h.name} `, bold: true, inverse: true }, { text: ' ' }];
  const first: Segment[] = [];
  if (stale) {
    first.push([...name, { text: `✗ unreachable${h.downSince ? ` ${age(now === null ? 0 : now - h.downSince)}` : ''}`, color: 'red' }]);
    if (h.lastOkAt !== null) first.push([{ text: `stale ${age(now === null ? 0 : staleAge(h, now))}`, color: 'yellow' }]);
    const why = h.status?.error ?? h.conn?.error;
    if (why) first.push([{ text: why, dim: true }]);
  } else if (!h.status) first.push([...name, { text: `… ${h.conn?.status === 'connecting' ? 'connecting' : 'waiting for the first report'}`, color: 'gray' }]);
  else {
    // how long it has been up, as the cards' ages: seconds in the first 10 minutes, so a blip shows ("reachable 4s")
    const up = upSince(h);
    first.push([...name, { text: `● reachable${up !== null ? ` ${age(now === null ? 0 : now - up)}` : ''}`, color: 'green' }]);
  }
  if (h.readOnly) first.push([{ text: 'read-only', color: 'yellow' }]);
  // while unreachable, what the header still shows is the last report: dimmed and said to be so
  if (sys) {
    first.push([{ text: stale ? 'last known: ' : '', dim: stale }, { text: sys.state, color: stale ? undefined : SYSTEM_COLOR[sys.state], dim: stale }]);
    if (sys.load) first.push([{ text: `load ${sys.load.map((l) => l.toFixed(2)).join(' ')}`, dim: stale }]);
    if (sys.memTotal) first.push([{ text: `mem ${formatBytes(sys.memTotal - (sys.memAvailable ?? 0))}/${formatBytes(sys.memTotal)}`, dim: stale }]);
  }
  // how the status is kept fresh, when the host is watched by its events (`events: true`)
  const mode = h.mode;
  if (mode?.mode === 'events') first.push([{ text: 'events', dim: true }]);
  else if (mode && mode.why === EVENTS_STARTING) first.push([{ text: 'polling (events starting)', dim: true }]);
  else if (mode) first.push([{ text: `polling (events unavailable${mode.why ? `: ${mode.why}` : ''})`, color: 'yellow' }]);
  const storage: Segment[] = [];
  if (s) {
    const lead = stale ? 'last known: ' : '';
    if (s.pools.length)
      for (const p of s.pools)
        storage.push([
          { text: `${storage.length ? '' : lead}pool ${p.name} `, dim: stale },
          { text: p.health, color: stale ? undefined : (HEALTH_COLOR[p.health] ?? 'yellow'), dim: stale },
          { text: ` ${formatBytes(p.allocated)}/${formatBytes(p.size)} (${percent(p.allocated, p.size)})`, dim: stale },
        ]);
    else storage.push([{ text: `${lead}no pool`, color: stale ? undefined : 'yellow', dim: stale }]);
    if (s.storage) storage.push([{ text: `${s.storage.mountpoint} ${formatBytes(s.storage.used)}/${formatBytes(s.storage.size)} (${percent(s.storage.used, s.storage.size)})`, dim: stale }]);
    if (s.storageUnit)
      storage.push([
        { text: `${s.storageUnit.name.replace(/\.service$/, "")} `, dim: stale },
        { text: s.storageUnit.active, color: stale ? undefined : s.storageUnit.active === 'active' ? 'green' : 'red', dim: stale },
      ]);
  }
  if (h.comin) {
    const fetched = h.comin.fetchedAt ? ` fetched ${now === null ? AGE_MEASURE : since(h.comin.fetchedAt, now)} ago` : '';
    storage.push([{ text: `comin ${h.comin.commit.slice(0, 8)} ${h.comin.status}${fetched}`, dim: stale }]);
  }
  const groups = [{ sep: SEP, segs: first }];
  if (storage.length) groups.push({ sep: SEP, segs: storage });
  if (sys?.failedUnits.length) groups.push({ sep: { text: ', ', color: 'red' }, segs: sys.failedUnits.map((u, i): Segment => [{ text: `${i ? '' : '✗ failed units: '}${u}`, color: 'red' }]) });
  return groups;
}

/** The header's lines at `width`, broken where its widest ages would break them. */
function headerLines(h: HostEntry, width: number, now: number | null): Span[][] {
  const shown = headerGroups(h, now);
  const measured = now === null ? shown : headerGroups(h, null);
  return shown.flatMap((g, i) => packSegments(g.segs, width, g.sep, measured[i]!.segs));
}

/** Rows the header takes at `width` (the grid windows by it): every field whole, on as many lines as it needs. */
export function hostHeaderHeight(h: HostEntry, width: number): number {
  return headerLines(h, width, null).length;
}

/**
 * Everything a header shows except its ages, as one string (see cardSignature): a report that changes only
 * the host's raw numbers (not as shown) keeps the older entry.
 */
export function headerSignature(h: HostEntry): string {
  const stale = isStale(h);
  return JSON.stringify([headerGroups(h, null), h.downSince, stale && h.lastOkAt, h.conn?.status, h.conn?.since, h.comin?.fetchedAt]);
}

/** The header's ages at `now` (they change with the clock alone). */
export function headerAges(h: HostEntry, now: number): string {
  const stale = isStale(h);
  const ages = [h.comin?.fetchedAt ? since(h.comin.fetchedAt, now) : ''];
  if (stale) ages.push(h.downSince ? formatAge(now - h.downSince) : '', formatAge(staleAge(h, now)));
  else if (h.status && upSince(h) !== null) ages.push(formatAge(now - upSince(h)!));
  return ages.join(' ');
}

function HostHeaderView({ host: h, width, now }: { host: HostEntry; width: number; now: number }) {
  const lines = headerLines(h, width, now);
  return (
    <Box flexDirection="column" width={width} height={lines.length}>
      {lines.map((line, i) => (
        <SpanLine key={i} spans={line} />
      ))}
    </Box>
  );
}

/** Re-renders on a clock tick only when one of its ages reads differently. */
export const HostHeader = memo(HostHeaderView, (a, b) => a.host === b.host && a.width === b.width && (a.now === b.now || headerAges(a.host, a.now) === headerAges(b.host, b.now)));
