import { memo } from 'react';
import { Box, Text } from 'ink';
import type { HostEntry } from '../store/slices/hosts.js';
import { isStale, staleAge } from '../store/selectors.js';
import { EVENTS_STARTING } from '../model/status.js';
import { formatAge, formatBytes, percent, since } from './format.js';

/** Rows the header takes (the grid windows by it). */
export function hostHeaderHeight(h: HostEntry): number {
  return 2 + (h.status?.system.failedUnits.length ? 1 : 0);
}

const HEALTH_COLOR: Record<string, string> = { ONLINE: 'green', DEGRADED: 'yellow', FAULTED: 'red', UNAVAIL: 'red', OFFLINE: 'red', SUSPENDED: 'red' };
const SYSTEM_COLOR: Record<string, string> = { running: 'green', degraded: 'yellow', starting: 'yellow', maintenance: 'red', stopping: 'yellow' };

function Reach({ h, now }: { h: HostEntry; now: number }) {
  if (isStale(h)) {
    const age = staleAge(h, now);
    const why = h.status?.error ?? h.conn?.error;
    return (
      <Text color="red">
        ✗ unreachable{h.downSince ? ` ${formatAge(now - h.downSince)}` : ''}
        {age !== null ? <Text color="yellow"> · stale {formatAge(age)}</Text> : null}
        {why ? <Text dimColor> · {why}</Text> : null}
      </Text>
    );
  }
  if (!h.status) return <Text color="gray">… {h.conn?.status === 'connecting' ? 'connecting' : 'waiting for the first report'}</Text>;
  // how long it has been up, as the cards' ages: seconds in the first 10 minutes, so a blip shows ("reachable 4s")
  return <Text color="green">● reachable{upSince(h) !== null ? ` ${formatAge(now - upSince(h)!)}` : ''}</Text>;
}

/** How the status is kept fresh, when the host is watched by its events (`events: true`). */
function Mode({ mode }: { mode: HostEntry['mode'] }) {
  if (!mode) return null;
  if (mode.mode === 'events') return <Text dimColor> · events</Text>;
  if (mode.why === EVENTS_STARTING) return <Text dimColor> · polling (events starting)</Text>;
  return <Text color="yellow"> · polling (events unavailable{mode.why ? `: ${mode.why}` : ''})</Text>;
}

/** When the connection came up (ms epoch), or null when not known. */
function upSince(h: HostEntry): number | null {
  return h.conn?.status === 'up' && h.conn.since ? h.conn.since : null;
}

/**
 * Everything a header shows except its ages, as one string (see cardSignature): a report that changes only
 * the host's raw numbers (not as shown) keeps the older entry. Keep in step with what HostHeader draws.
 */
export function headerSignature(h: HostEntry): string {
  const stale = isStale(h);
  const s = h.lastOkAt === null && stale ? null : h.status;
  const sys = s?.system;
  return JSON.stringify([
    h.name,
    h.readOnly,
    stale,
    stale && h.status?.error,
    stale && h.conn?.error,
    stale && h.lastOkAt,
    h.downSince,
    h.status === null,
    h.conn?.status,
    h.conn?.since,
    sys && [sys.state, sys.failedUnits, sys.load?.map((l) => l.toFixed(2)), sys.memTotal && formatBytes(sys.memTotal - (sys.memAvailable ?? 0)), formatBytes(sys.memTotal)],
    s?.pools.map((p) => [p.name, p.health, formatBytes(p.allocated), formatBytes(p.size), percent(p.allocated, p.size)]),
    s?.storage && [s.storage.mountpoint, formatBytes(s.storage.used), formatBytes(s.storage.size), percent(s.storage.used, s.storage.size)],
    s?.storageUnit,
    h.comin,
    h.mode,
  ]);
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
  // a host never reached has no data worth showing, only why
  const stale = isStale(h);
  const s = h.lastOkAt === null && stale ? null : h.status;
  const sys = s?.system;
  // while unreachable, what the header still shows is the last report: dimmed and said to be so
  return (
    <Box flexDirection="column" width={width} height={hostHeaderHeight(h)}>
      <Text wrap="truncate-end">
        <Text bold inverse>
          {' '}
          {h.name}{' '}
        </Text>{' '}
        <Reach h={h} now={now} />
        {h.readOnly ? <Text color="yellow"> · read-only</Text> : null}
        {sys ? (
          <Text dimColor={stale}>
            {stale ? ' · last known: ' : ' · '}
            <Text color={stale ? undefined : SYSTEM_COLOR[sys.state]}>{sys.state}</Text>
            {sys.load ? ` · load ${sys.load.map((l) => l.toFixed(2)).join(' ')}` : ''}
            {sys.memTotal ? ` · mem ${formatBytes(sys.memTotal - (sys.memAvailable ?? 0))}/${formatBytes(sys.memTotal)}` : ''}
          </Text>
        ) : null}
        <Mode mode={h.mode} />
      </Text>
      <Text wrap="truncate-end" dimColor={stale}>
        {stale && s ? 'last known: ' : ''}
        {s?.pools.length
          ? s.pools.map((p, i) => (
              <Text key={p.name}>
                {i ? ' · ' : ''}pool {p.name} <Text color={HEALTH_COLOR[p.health] ?? 'yellow'}>{p.health}</Text> {formatBytes(p.allocated)}/{formatBytes(p.size)} ({percent(p.allocated, p.size)})
              </Text>
            ))
          : s
            ? <Text color="yellow">no pool</Text>
            : null}
        {s?.storage ? ` · ${s.storage.mountpoint} ${formatBytes(s.storage.used)}/${formatBytes(s.storage.size)} (${percent(s.storage.used, s.storage.size)})` : ''}
        {s?.storageUnit ? (
          <Text>
            {' · '}
            {s.storageUnit.name} <Text color={s.storageUnit.active === 'active' ? 'green' : 'red'}>{s.storageUnit.active}</Text>
          </Text>
        ) : null}
        {h.comin ? ` · comin ${h.comin.commit.slice(0, 8)} ${h.comin.status}${h.comin.fetchedAt ? ` fetched ${since(h.comin.fetchedAt, now)} ago` : ''}` : ''}
      </Text>
      {sys?.failedUnits.length ? (
        <Text color="red" wrap="truncate-end">
          ✗ failed units: {sys.failedUnits.join(', ')}
        </Text>
      ) : null}
    </Box>
  );
}

/** Re-renders on a clock tick only when one of its ages reads differently. */
export const HostHeader = memo(HostHeaderView, (a, b) => a.host === b.host && a.width === b.width && (a.now === b.now || headerAges(a.host, a.now) === headerAges(b.host, b.now)));
