import { memo } from 'react';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { VmStatus } from '../model/status.js';
import type { VmHistory, VmInfo } from '../store/slices/hosts.js';
import type { Pending } from '../store/slices/ui.js';
import { CARD_WIDTH } from '../store/layout.js';
import { formatBytes, since } from './format.js';
import { Since } from './now.js';
import { sparkline } from './sparkline.js';
import { BRIDGE_TEXT, STATE_STYLE } from './theme.js';

/** Rows a card takes (border + 6 lines): the grid windows by it. */
export const CARD_HEIGHT = 8;

export interface VmCardProps {
  info: VmInfo;
  status: VmStatus | null;
  history?: VmHistory;
  selected: boolean;
  marked: boolean;
  pending?: Pending;
  /** The host is unreachable: what is shown is old. */
  stale: boolean;
}

function Flags({ s }: { s: VmStatus }) {
  const flags: Array<{ text: string; color: string }> = [];
  if (s.runner === 'missing') flags.push({ text: 'RUNNER MISSING', color: 'red' });
  if (s.outdated) flags.push({ text: 'RESTART NEEDED', color: 'yellow' });
  if (s.active === 'failed' && s.result && s.result !== 'success') flags.push({ text: `result ${s.result}`, color: 'red' });
  if (!flags.length) return <Text dimColor>{s.runner === 'present' ? 'runner ok' : 'runner ?'}</Text>;
  return (
    <Text wrap="truncate-end">
      {flags.map((f, i) => (
        <Text key={f.text} color={f.color} bold>
          {i ? ' · ' : ''}
          {f.text}
        </Text>
      ))}
    </Text>
  );
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

/**
 * Everything a card shows except its ages, as one string: two reports with the same signature draw the same
 * card, so the grid keeps the older one and nothing re-renders. Keep in step with what VmCard draws.
 */
export function cardSignature(info: VmInfo, s: VmStatus | null, history: VmHistory | undefined, stale: boolean): string {
  const shown = s && [s.active, s.sub, s.since, s.restarts, s.result, s.runner, s.outdated, s.bridge, s.reachable, s.probeError, formatBytes(s.datasetUsed), s.snapshots, s.newestSnapshot, s.newestSnapshotAt, formatBytes(s.memoryBytes), memBars(history), cpuText(history, s), cpuBars(history)];
  return JSON.stringify([info.name, info.role, stale, shown]);
}

/** The card's ages at `now` (they change with the clock alone). */
export function cardAges(s: VmStatus | null, now: number): string {
  return s ? `${since(s.since, now)} ${s.newestSnapshot ? since(s.newestSnapshotAt, now) : ''}` : '';
}

/** The ages in it read the grid's clock (NowContext): a tick that moves them re-renders only them. */
function VmCardView({ info, status: s, history, selected, marked, pending, stale }: VmCardProps) {
  const style = STATE_STYLE[s?.active ?? 'unknown'];
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
          <Text color="gray">stale</Text>
        ) : null}
      </Box>
      {s ? (
        <>
          <Text wrap="truncate-end">
            <Text color={style.color}>
              {style.symbol} {s.active}
              {s.sub ? ` (${s.sub})` : ''}
            </Text>{' '}
            <Since at={s.since} />
            {s.restarts ? <Text color={s.restarts > 0 ? 'yellow' : undefined}> ↻{s.restarts} restarts</Text> : null}
          </Text>
          <Flags s={s} />
          <Text wrap="truncate-end">
            br <Text color={s.bridge === 'up' ? 'green' : s.bridge === 'unknown' ? undefined : 'red'}>{BRIDGE_TEXT[s.bridge]}</Text>
            {'  '}data {formatBytes(s.datasetUsed)}
            {'  '}ssh {s.reachable === null ? '–' : s.reachable ? <Text color="green">ok</Text> : <Text color="red">{s.probeError?.replace(/^ssh /, '') ?? 'no'}</Text>}
          </Text>
          <Text wrap="truncate-end">
            {s.snapshots === null ? '? snaps' : `${s.snapshots} snap${s.snapshots === 1 ? '' : 's'}`}
            {s.newestSnapshot ? (
              <>
                , newest <Since at={s.newestSnapshotAt} /> @{s.newestSnapshot.split('@').pop()}
              </>
            ) : (
              ''
            )}
          </Text>
          <Text wrap="truncate-end">
            mem {formatBytes(s.memoryBytes)} <Text color="blue">{memBars(history)}</Text> cpu {cpuText(history, s)} <Text color="blue">{cpuBars(history)}</Text>
          </Text>
        </>
      ) : (
        <Text dimColor>{stale ? 'no data (host unreachable)' : 'waiting for the first report…'}</Text>
      )}
    </Box>
  );
}

/** Re-renders when what it shows changed; a clock tick re-renders only its ages. */
export const VmCard = memo(VmCardView);
