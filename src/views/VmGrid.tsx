import { memo, useState } from 'react';
import { Box, Text } from 'ink';
import { useServices, useStore } from '../hooks/context.js';
import { Clickable } from '../hooks/useClickTarget.js';
import { useShownClock } from '../hooks/useShownClock.js';
import { gridColumns } from '../store/layout.js';
import type { HostEntry } from '../store/slices/hosts.js';
import { vmKey, type VmRef } from '../store/slices/ui.js';
import { gridModelSelector, sameGridModelOn, type GridModel, type GridRow, type OnScreen } from './grid-model.js';
import { HostHeader, headerAges, hostHeaderHeight } from './HostHeader.js';
import { NowContext } from './now.js';
import { CARD_HEIGHT, cardAges, VmCard } from './VmCard.js';
import { gridFooter } from './grid-rows.js';

type Block = { kind: 'header'; host: HostEntry; height: number } | { kind: 'row'; cards: GridRow[]; height: number };

/** Headers and rows of cards, in screen order; hosts always get a header, even with no VM shown. */
function blocks(hosts: HostEntry[], rows: GridRow[], columns: number, width: number): Block[] {
  const out: Block[] = [];
  for (const h of hosts) {
    out.push({ kind: 'header', host: h, height: hostHeaderHeight(h, width) });
    const mine = rows.filter((r) => r.ref.host === h.name);
    for (let i = 0; i < mine.length; i += columns) out.push({ kind: 'row', cards: mine.slice(i, i + columns), height: CARD_HEIGHT });
  }
  return out;
}

/** The first block at or after `from` to draw so the selected card (and, if it fits, its host's header) is on screen. */
function windowStart(bl: Block[], selectedIdx: number, height: number, from = 0): number {
  let start = from;
  const used = (i: number) => bl.slice(i, selectedIdx + 1).reduce((a, b) => a + b.height, 0);
  while (start < selectedIdx && used(start) > height) start++;
  return start;
}

/**
 * The blocks drawn in `room` rows: the selected card's row, its host's header kept above it (the rows between
 * are scrolled away; with too little room for both, the row alone), then as many blocks after it as fit whole.
 */
export function windowBlocks(bl: Block[], selectedIdx: number, room: number): Block[] {
  let start = windowStart(bl, selectedIdx, room);
  let pinned: Block[] = [];
  let header = selectedIdx;
  while (header > 0 && bl[header]!.kind !== 'header') header--;
  if (start > header && bl[header]!.kind === 'header' && bl[header]!.height + bl[selectedIdx]!.height <= room) {
    pinned = [bl[header]!];
    start = windowStart(bl, selectedIdx, room - bl[header]!.height, header + 1);
  }
  const shown = [...pinned];
  let used = pinned.reduce((a, b) => a + b.height, 0);
  for (const b of bl.slice(start)) {
    if (used + b.height > room && shown.length) break;
    shown.push(b);
    used += b.height;
  }
  return shown;
}

/** The ages on screen at `now`, as one string: the clock re-renders the grid only when it changes. */
const agesShown = (shown: Block[]) => (now: number) =>
  shown.map((b) => (b.kind === 'header' ? headerAges(b.host, now) : b.cards.map((c) => cardAges(c.status, now, c.staleSince)).join(' '))).join('\n');

function VmGridView({ width, height }: { width: number; height: number }) {
  const { store } = useServices();
  // a click on a card selects it and gives the grid the focus
  const pick = (ref: VmRef) => {
    store.dispatch({ type: 'ui/select', ref });
    store.dispatch({ type: 'ui/paneFocus', id: null });
  };
  // What this render shows, read by the store's comparison of the next model: reports about hosts out of the
  // window do not render the grid at all (and the selector compares only the cards shown).
  const [screen] = useState<{ current: OnScreen }>(() => ({ current: { cards: new Set(), hosts: new Set(), width: 0 } }));
  const [select] = useState(() => gridModelSelector(() => screen.current));
  const [same] = useState(() => (a: GridModel, b: GridModel) => sameGridModelOn(a, b, screen.current));
  const { hosts, rows, selected, marked, pending, filter } = useStore(select, same);
  const columns = gridColumns(width);
  const bl = blocks(hosts, rows, columns, width);
  const selIdx = Math.max(
    0,
    bl.findIndex((b) => b.kind === 'row' && b.cards.some((c) => selected && vmKey(c.ref) === vmKey(selected))),
  );
  const selRow = rows.find((r) => selected && vmKey(r.ref) === vmKey(selected));
  // the footer's rows depend on how many VMs the window leaves out, which depends on its room: one row for the
  // "more" line first, then again with what the footer turns out to need
  const at = Date.now();
  let footer = gridFooter(selRow, 0, width, at).length + 1;
  let shown = windowBlocks(bl, selIdx, height - footer);
  let hidden = rows.length - shown.reduce((a, b) => a + (b.kind === 'row' ? b.cards.length : 0), 0);
  const needed = gridFooter(selRow, hidden, width, at).length;
  if (needed > footer) {
    footer = needed;
    shown = windowBlocks(bl, selIdx, height - footer);
    hidden = rows.length - shown.reduce((a, b) => a + (b.kind === 'row' ? b.cards.length : 0), 0);
  }
  screen.current = {
    width,
    cards: new Set(shown.flatMap((b) => (b.kind === 'row' ? b.cards.map((c) => vmKey(c.ref)) : []))),
    hosts: new Set(shown.flatMap((b) => (b.kind === 'header' ? [b.host.name] : []))),
  };
  const now = useShownClock(agesShown(shown));
  // a row of cards taller than the room left keeps its rows whole; the footer gives way
  const lines = gridFooter(selRow, hidden, width, now).slice(0, Math.max(0, height - shown.reduce((a, b) => a + b.height, 0)));
  // Clipped vertically only: rows of cards never exceed the width (gridColumns) and headers truncate, while a
  // horizontal clip makes Ink slice every line of text in the grid through sliceAnsi on every frame (measured:
  // ~40% of a frame's output time on 20 hosts at 160x50).
  return (
    <NowContext.Provider value={now}>
      <Box flexDirection="column" width={width} height={height} overflowY="hidden">
        {shown.map((b) =>
          b.kind === 'header' ? (
            <HostHeader key={`h-${b.host.name}`} host={b.host} width={width} now={now} />
          ) : (
            <Box key={`r-${vmKey(b.cards[0]!.ref)}`} flexDirection="row">
              {b.cards.map((r) => {
                const key = vmKey(r.ref);
                return (
                  <Clickable key={key} onClick={() => pick(r.ref)}>
                  <VmCard
                    info={r.info}
                    status={r.status}
                    history={r.history}
                    selected={Boolean(selected && vmKey(selected) === key)}
                    marked={marked.includes(key)}
                    pending={pending[key]}
                    stale={r.stale}
                    staleSince={r.staleSince}
                  />
                  </Clickable>
                );
              })}
            </Box>
          ),
        )}
        {!rows.length ? <Text dimColor>{filter ? `no VM matches "${filter}" (esc clears the filter)` : 'no VMs in the inventory'}</Text> : null}
        {lines.map((l, i) => (
          <Text key={i} dimColor>
            {l}
          </Text>
        ))}
      </Box>
    </NowContext.Provider>
  );
}

/** The cards and host headers; redraws when what it shows changes, not on every store update. */
export const VmGrid = memo(VmGridView);
