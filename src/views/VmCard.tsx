import { memo, useContext } from 'react';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { VmStatus } from '../model/status.js';
import type { VmHistory, VmInfo } from '../store/slices/hosts.js';
import type { Pending } from '../store/slices/ui.js';
import { CARD_ROWS, CARD_WIDTH } from '../store/layout.js';
import { AGE_MEASURE, firstFitting, segmentWidth, type Span } from './fit.js';
import { formatBytes, since } from './format.js';
import { NowContext, Since } from './now.js';
import { sparkline } from './sparkline.js';
import { SpanLine } from './SpanLine.js';
import { BRIDGE_TEXT, STATE_STYLE } from './theme.js';

/** Rows a card takes (border + 6 lines): the grid windows by it. */
export const CARD_HEIGHT = CARD_ROWS;

export interface VmCardProps {
  info: VmInfo;
  status: VmStatus | null;
  history?: VmHistory;
  selected: boolean;
  marked: boolean;
  pending?: Pending;
  /** The host is unreachable: what is shown is old. */
  stale: boolean;
  /** When the shown data was read (the host's last good report), while stale. */
  staleSince?: number | null;
}

// CPU from zero against one core or the peak; memory over its own range, at least a tenth of its peak wide, so
// a VM whose memory holds steady draws a low flat line (against its peak it was a full block, whatever it used)
const memBars = (h: VmHistory | undefined) => {
  const v = h?.mem.slice(-6) ?? [];
  if (!v.length) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v, lo + Math.max(...v) / 10);
  return sparkline(v.map((x) => x - lo), 6, hi - lo);
};
const cpuBars = (h: VmHistory | undefined) => sparkline(h?.cpu ?? [], 6, Math.max(100, ...(h?.cpu ?? [])));
/** The newest rate, while the unit reports its counter; '–' while it has none (stopped, auto-restart). */
const cpuText = (h: VmHistory | undefined, s: VmStatus | null) => {
  const c = h?.cpu[h.cpu.length - 1];
  return c === undefined || !Number.isFinite(c) || !s || s.cpuNs === null ? '–' : `${Math.round(c)}%`;
};

/** Columns inside a card's frame. */
export const CARD_INNER = CARD_WIDTH - 3;

export interface CardLines {
  /** The five lines under the name, each fitting the card whole. */
  lines: Span[][];
  /** What the card could not show whole (the grid shows it for the selected card): 'ssh: probe timed out'. */
  dropped: string[];
}

/**
 * What a card shows under its name, every field whole: a line that does not fit takes a shorter form (single
 * spaces, '↻3' for '↻3 restarts'), and a field that still does not fit is left out of the card and listed in
 * `dropped`, for the grid to show whole.
 */
export function cardLines(s: VmStatus, history: VmHistory | undefined, now: number | null, width = CARD_INNER): CardLines {
  const dropped: string[] = [];
  // ages as of the grid's clock; null: at their widest (a signature, which ages must not change)
  const age = (at: string | number | null) => (now === null ? AGE_MEASURE : since(at, now));
  const pick = (forms: Array<{ line: Span[]; drops?: string[] }>) => {
    const f = firstFitting(forms, width, (x) => segmentWidth(x.line));
    dropped.push(...(f.drops ?? []));
    return f.line;
  };
  const style = STATE_STYLE[s.active];
  const state: Span = { text: `${style.symbol} ${s.active}${s.sub ? ` (${s.sub})` : ''}`, color: style.color };
  const upFor: Span[] = [{ text: ` ${age(s.since)}` }];
  const restarts = (text: string): Span[] => (s.restarts ? [{ text: ` ↻${s.restarts}${text}`, color: 'yellow' }] : []);
  const stateWords = `${s.active}${s.sub ? ` (${s.sub})` : ''}`;
  const stateLine = pick([
    { line: [state, ...upFor, ...restarts(' restarts')] },
    { line: [state, ...upFor, ...restarts('')] },
    { line: [state, ...restarts('')], drops: [`${stateWords} since ${s.since ?? '?'}`] },
    { line: [{ ...state, text: `${style.symbol} ${s.active}` }, ...restarts('')], drops: [`${stateWords} since ${s.since ?? '?'}`] },
  ]);

  const flags: Span[] = [];
  if (s.runner === 'missing') flags.push({ text: 'RUNNER MISSING', color: 'red', bold: true });
  if (s.outdated) flags.push({ text: 'RESTART NEEDED', color: 'yellow', bold: true });
  if (s.active === 'failed' && s.result && s.result !== 'success') flags.push({ text: `result ${s.result}`, color: 'red', bold: true });
  let flagLine: Span[] = [];
  if (!flags.length) flagLine = [{ text: s.runner === 'present' ? 'runner ok' : 'runner ?', dim: true }];
  for (const f of flags) {
    const next = flagLine.length ? [...flagLine, { text: ' · ' }, f] : [f];
    if (segmentWidth(next) <= width) flagLine = next;
    else dropped.push(f.text);
  }

  const bridge: Span = { text: BRIDGE_TEXT[s.bridge], color: s.bridge === 'up' ? 'green' : s.bridge === 'unknown' ? undefined : 'red' };
  const why = s.probeError?.replace(/^ssh /, '') ?? 'no';
  const ssh: Span = s.reachable === null ? { text: '–' } : s.reachable ? { text: 'ok', color: 'green' } : { text: why, color: 'red' };
  const netLine = (gap: string, sshSpan: Span): Span[] => [{ text: 'br ' }, bridge, { text: `${gap}data ${formatBytes(s.datasetUsed)}${gap}ssh ` }, sshSpan];
  const net = pick([
    { line: netLine('  ', ssh) },
    { line: netLine(' ', ssh) },
    { line: netLine(' ', { text: 'no', color: 'red' }), drops: [`ssh: ${s.probeError ?? 'no answer'}`] },
  ]);

  const count = s.snapshots === null ? '? snaps' : `${s.snapshots} snap${s.snapshots === 1 ? '' : 's'}`;
  const newest = s.newestSnapshot ? `@${s.newestSnapshot.split('@').pop()}` : '';
  const snaps = pick(
    newest
      ? [
          { line: [{ text: `${count}, newest ${age(s.newestSnapshotAt)} ${newest}` }] },
          { line: [{ text: `${count}, newest ${age(s.newestSnapshotAt)}` }], drops: [`newest snapshot ${newest}`] },
        ]
      : [{ line: [{ text: count }] }],
  );

  const use: Span[] = [
    { text: `mem ${formatBytes(s.memoryBytes)} ` },
    { text: memBars(history), color: 'blue' },
    { text: ` cpu ${cpuText(history, s)} ` },
    { text: cpuBars(history), color: 'blue' },
  ];
  return { lines: [stateLine, flagLine, net, snaps, use], dropped };
}

/**
 * Everything a card shows except its ages, as one string: two reports with the same signature draw the same
 * card, so the grid keeps the older one and nothing re-renders.
 */
export function cardSignature(info: VmInfo, s: VmStatus | null, history: VmHistory | undefined, stale: boolean, staleSince: number | null = null): string {
  return JSON.stringify([info.name, info.role, stale, staleSince, s && [s.since, s.newestSnapshotAt, cardLines(s, history, null)]]);
}

/** The card's ages at `now` (they change with the clock alone). */
export function cardAges(s: VmStatus | null, now: number, staleSince: number | null = null): string {
  return (s ? `${since(s.since, now)} ${s.newestSnapshot ? since(s.newestSnapshotAt, now) : ''}` : '') + (staleSince !== null ? ` ${since(staleSince, now)}` : '');
}

/** Its ages read the grid's clock (NowContext): a tick that moves one re-renders the card (which form of a line
 *  fits depends on them), not the cards whose props did not change. */
function VmCardView({ info, status: s, history, selected, marked, pending, stale, staleSince = null }: VmCardProps) {
  const now = useContext(NowContext);
  return (
    <Box
      flexDirection="column"
      width={CARD_WIDTH - 1}
      height={CARD_HEIGHT}
      marginRight={1}
      borderStyle={selected ? 'double' : 'round'}
      borderColor={selected ? 'cyan' : stale ? 'gray' : undefined}
      paddingX={0}
    >
      <Box justifyContent="space-between">
        <Text wrap="truncate-end">
          <Text color="cyan">{selected ? '>' : ' '}</Text>
          <Text color="magenta">{marked ? '*' : ' '}</Text>
          <Text bold>{info.name}</Text> <Text dimColor>{info.role}</Text>
        </Text>
        {pending ? (
          <Text color="yellow">
            <Spinner type="dots" /> {pending.command.replace(/^vm\./, '')}
          </Text>
        ) : stale ? (
          <Text color="yellow">{staleSince !== null ? <>stale <Since at={staleSince} /></> : 'unreachable'}</Text>
        ) : null}
      </Box>
      {s ? (
        cardLines(s, history, now).lines.map((l, i) => <SpanLine key={i} spans={l} />)
      ) : (
        <Text dimColor>{stale ? 'no data (host unreachable)' : 'waiting for the first report…'}</Text>
      )}
    </Box>
  );
}

/** Re-renders when what it shows changed; a clock tick re-renders only its ages. */
export const VmCard = memo(VmCardView);
