import { isStale, selectHosts, selectVisibleVms, type VmRow } from '../store/selectors.js';
import type { AppState } from '../store/slices/index.js';
import type { HostEntry } from '../store/slices/hosts.js';
import { vmKey, type Pending, type VmRef } from '../store/slices/ui.js';
import { headerSignature, hostHeaderHeight } from './HostHeader.js';
import { cardSignature } from './VmCard.js';

// What the grid shows, picked from the state so that a status report which changes nothing on screen gives
// back the very same model (no render at all), and one that changes one card gives back every other card's
// row and host unchanged (React.memo skips them). Hosts refresh once a second whether or not anything changed.

export interface GridRow extends VmRow {
  /** Its host is unreachable: what the card shows is old. */
  stale: boolean;
  /** When what it shows was read (its host's last good report), while stale; null otherwise. */
  staleSince: number | null;
}

export interface GridModel {
  hosts: HostEntry[];
  rows: GridRow[];
  selected: VmRef | null;
  marked: string[];
  pending: Record<string, Pending>;
  filter: string;
}

/** A selector for one grid: it remembers the last rows and hosts to hand back the same objects while they look the
 *  same. Given what the grid shows (`screen`), only the cards on screen are compared: a card out of the window is not
 *  drawn, and sameGridModelOn ignores it, so its signature (~10 µs each, 200 cards at 20 hosts on every report, and
 *  garbage) would buy nothing. It gets a fresh row with its latest data; once on screen it is compared again. */
export function gridModelSelector(screen?: () => OnScreen): (s: AppState) => GridModel {
  let hostsSeen = new Map<string, { sig: string; host: HostEntry }>();
  let rowsSeen = new Map<string, { sig: string | null; row: GridRow }>();
  return (s) => {
    const nextHosts = new Map<string, { sig: string; host: HostEntry }>();
    const hosts = selectHosts(s).map((h) => {
      const sig = headerSignature(h);
      const prev = hostsSeen.get(h.name);
      const kept = prev && prev.sig === sig ? prev : { sig, host: h };
      nextHosts.set(h.name, kept);
      return kept.host;
    });
    const nextRows = new Map<string, { sig: string | null; row: GridRow }>();
    const shown = screen?.().cards;
    const rows = selectVisibleVms(s).map((r) => {
      const host = s.hosts.byName[r.ref.host];
      const stale = host ? isStale(host) : false;
      const staleSince = stale ? (host?.lastOkAt ?? null) : null;
      const key = vmKey(r.ref);
      const sig = !shown || shown.has(key) ? cardSignature(r.info, r.status, r.history, stale, staleSince) : null;
      const prev = rowsSeen.get(key);
      const kept = sig !== null && prev?.sig === sig ? prev : { sig, row: { ...r, stale, staleSince } };
      nextRows.set(key, kept);
      return kept.row;
    });
    hostsSeen = nextHosts;
    rowsSeen = nextRows;
    const sel = s.ui.selection;
    const selected = rows.find((r) => sel && r.ref.host === sel.host && r.ref.vm === sel.vm)?.ref ?? rows[0]?.ref ?? null;
    return { hosts, rows, selected, marked: s.ui.marked, pending: s.ui.pending, filter: s.ui.filter.text };
  };
}

/** What the grid draws: the cards and host headers in the window (set by the view as it draws). */
export interface OnScreen {
  cards: ReadonlySet<string>;
  hosts: ReadonlySet<string>;
  /** The grid's width (headers' heights depend on it). */
  width: number;
}

/**
 * Whether two models draw the same on `screen`: a report that changes only cards and headers out of
 * the window draws nothing (20 hosts at 160x50: ~2 of them on screen, each report otherwise a React render, a
 * layout and a frame composed to find nothing new). Their order, count and headers' heights still count, since
 * they place the window and the "more" line. A card that scrolls in later shows the data of the last model
 * handed back; the next report after that brings it up to date.
 */
export function sameGridModelOn(a: GridModel, b: GridModel, screen: OnScreen): boolean {
  const sameHost = (x: HostEntry, i: number) => {
    const y = b.hosts[i]!;
    return x === y || (x.name === y.name && !screen.hosts.has(x.name) && hostHeaderHeight(x, screen.width) === hostHeaderHeight(y, screen.width));
  };
  const sameRow = (x: GridRow, i: number) => {
    const y = b.rows[i]!;
    if (x === y) return true;
    if (x.ref.host !== y.ref.host || x.ref.vm !== y.ref.vm) return false;
    return !screen.cards.has(vmKey(x.ref));
  };
  return (
    a.hosts.length === b.hosts.length &&
    a.hosts.every(sameHost) &&
    a.rows.length === b.rows.length &&
    a.rows.every(sameRow) &&
    a.selected?.host === b.selected?.host &&
    a.selected?.vm === b.selected?.vm &&
    a.marked === b.marked &&
    a.pending === b.pending &&
    a.filter === b.filter
  );
}
