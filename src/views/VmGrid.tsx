import { Box, Text } from 'ink';
import { useNow } from '../hooks/useNow.js';
import { useAppState } from '../hooks/context.js';
import { gridColumns } from '../store/layout.js';
import { isStale, selectHosts, selectSelected, selectVisibleVms, type VmRow } from '../store/selectors.js';
import type { HostEntry } from '../store/slices/hosts.js';
import { vmKey } from '../store/slices/ui.js';
import { HostHeader, hostHeaderHeight } from './HostHeader.js';
import { CARD_HEIGHT, VmCard } from './VmCard.js';

type Block = { kind: 'header'; host: HostEntry; height: number } | { kind: 'row'; cards: VmRow[]; height: number };

/** Headers and rows of cards, in screen order; hosts always get a header, even with no VM shown. */
function blocks(hosts: HostEntry[], rows: VmRow[], columns: number): Block[] {
  const out: Block[] = [];
  for (const h of hosts) {
    out.push({ kind: 'header', host: h, height: hostHeaderHeight(h) });
    const mine = rows.filter((r) => r.ref.host === h.name);
    for (let i = 0; i < mine.length; i += columns) out.push({ kind: 'row', cards: mine.slice(i, i + columns), height: CARD_HEIGHT });
  }
  return out;
}

/** The first block to draw so the selected card (and, if it fits, its host's header) is on screen. */
function windowStart(bl: Block[], selectedIdx: number, height: number): number {
  let start = 0;
  const used = (from: number) => bl.slice(from, selectedIdx + 1).reduce((a, b) => a + b.height, 0);
  while (start < selectedIdx && used(start) > height) start++;
  return start;
}

export function VmGrid({ width, height }: { width: number; height: number }) {
  const state = useAppState();
  const now = useNow(1000);
  const hosts = selectHosts(state);
  const rows = selectVisibleVms(state);
  const selected = selectSelected(state);
  const columns = gridColumns(width);
  const bl = blocks(hosts, rows, columns);
  const selIdx = Math.max(
    0,
    bl.findIndex((b) => b.kind === 'row' && b.cards.some((c) => selected && vmKey(c.ref) === vmKey(selected))),
  );
  const room = height - 1; // one row for the "more" line
  const start = windowStart(bl, selIdx, room);
  const shown: Block[] = [];
  let used = 0;
  for (const b of bl.slice(start)) {
    if (used + b.height > room && shown.length) break;
    shown.push(b);
    used += b.height;
  }
  const hidden = rows.length - shown.reduce((a, b) => a + (b.kind === 'row' ? b.cards.length : 0), 0);
  const filter = state.ui.filter.text;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {shown.map((b) =>
        b.kind === 'header' ? (
          <HostHeader key={`h-${b.host.name}`} host={b.host} width={width} now={now} />
        ) : (
          <Box key={`r-${vmKey(b.cards[0]!.ref)}`} flexDirection="row">
            {b.cards.map((r) => {
              const key = vmKey(r.ref);
              const host = state.hosts.byName[r.ref.host]!;
              return (
                <VmCard
                  key={key}
                  info={r.info}
                  status={r.status}
                  history={r.history}
                  selected={Boolean(selected && vmKey(selected) === key)}
                  marked={state.ui.marked.includes(key)}
                  pending={state.ui.pending[key]}
                  stale={isStale(host)}
                  now={now}
                />
              );
            })}
          </Box>
        ),
      )}
      {!rows.length ? <Text dimColor>{filter ? `no VM matches "${filter}" (esc clears the filter)` : 'no VMs in the inventory'}</Text> : null}
      {hidden > 0 ? <Text dimColor>{`… ${hidden} more VM${hidden === 1 ? '' : 's'} (move the selection to scroll)`}</Text> : null}
    </Box>
  );
}
