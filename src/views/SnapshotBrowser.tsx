import { Box, Text } from 'ink';
import { filterProblem } from '../store/filter.js';
import { snapshotsTyping, type SnapshotsState } from '../store/slices/snapshots.js';
import { since } from './format.js';
import { formatBytes, formatTime } from './snapshot/format.js';
import { Clickable } from '../hooks/useClickTarget.js';
import { browserRows, windowStart, type BrowserRow } from './snapshot/rows.js';
import { wrapText } from './wrap.js';

// The ZFS snapshot browser, render-only: datasets as a tree with totals, snapshots newest first with
// creation time, age, used and referenced, marks for a multi-destroy, the filter and a diff.

export interface SnapshotBrowserProps {
  state: SnapshotsState;
  width: number;
  height: number;
  focused: boolean;
  /** A click on a snapshot (its full name). */
  onPick?: (full: string) => void;
  now: number;
}

export function SnapshotBrowser({ state, width, height, focused, now, onPick }: SnapshotBrowserProps) {
  const t = state.target;
  const title = t ? `Snapshots · ${t.host}${t.vm ? `:${t.vm}` : ''}${t.dataset ? ` (${t.dataset})` : ''}` : 'Snapshots';
  const inner = Math.max(1, height - 2); // border
  const footer = footerText(state);
  const typing = snapshotsTyping(state);
  // the footer (a result such as where a rollback kept the old state) is wrapped, not cut: it may take all but
  // the title and one row of the list until the selection moves
  const footerLines = footer ? (typing ? [footer] : wrapText(footer, Math.max(1, width - 4)).slice(0, Math.max(1, inner - 2))) : [];
  const diffRows = state.diff ? Math.min(Math.max(3, Math.floor(inner / 2)), state.diff.lines.length + 1) : 0;
  const listRows = Math.max(1, inner - 1 - footerLines.length - diffRows);
  const rows = browserRows(state);
  const start = windowStart(rows, listRows);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'cyan' : undefined} paddingX={1}>
      <Text bold wrap="truncate">
        {title}
        {state.loading ? <Text dimColor> loading…</Text> : null}
        {state.marked.length ? <Text color="yellow"> · {state.marked.length} marked</Text> : null}
      </Text>
      <Box flexDirection="column" height={listRows}>
        {state.error ? (
          <Text color="red" wrap="truncate">
            {state.error}
          </Text>
        ) : !state.listing ? (
          <Text dimColor>{state.loading ? 'reading snapshots…' : 'nothing listed'}</Text>
        ) : rows.length === 0 ? (
          <Text dimColor>{state.filter.text ? `no snapshot matches /${state.filter.text}/` : 'no datasets'}</Text>
        ) : (
          rows.slice(start, start + listRows).map((r) =>
            r.kind === 'dataset' ? (
              <Row key={r.name} row={r} now={now} />
            ) : (
              <Clickable key={r.snap.full} onClick={() => onPick?.(r.snap.full)}>
                <Row row={r} now={now} />
              </Clickable>
            ),
          )
        )}
      </Box>
      {state.diff ? <Diff diff={state.diff} rows={diffRows} /> : null}
      {typing ? (
        <Text wrap="truncate-start">
          {footer}
          <Text inverse> </Text>
        </Text>
      ) : (
        footerLines.map((l, i) => (
          <Text key={i} wrap="truncate" color="gray">
            {l}
          </Text>
        ))
      )}
    </Box>
  );
}

function footerText(s: SnapshotsState): string {
  if (s.naming !== null) return `new snapshot name: ${s.naming}`;
  if (s.filter.editing) return `/${s.filter.text}`;
  const parts = [];
  if (s.filter.text) {
    // A refused or invalid regex is matched as plain text: say so, or an empty list looks like "no such snapshot".
    const problem = filterProblem(s.filter.text);
    parts.push(`/${s.filter.text}/ (${problem ? `${problem}; ` : ''}esc clears)`);
  }
  if (s.notice) parts.push(s.notice);
  return parts.join(' · ');
}

function Row({ row, now }: { row: BrowserRow; now: number }) {
  const indent = '  '.repeat(row.depth);
  if (row.kind === 'dataset') {
    const count = row.shown === row.count ? `${row.count}` : `${row.shown}/${row.count}`;
    return (
      <Text wrap="truncate">
        {indent}
        <Text bold>{row.label}</Text>
        <Text dimColor>
          {'  '}
          {row.count ? `${count} snapshot${row.count === 1 ? '' : 's'} · ${formatBytes(row.snapshotsUsed)} used by snapshots` : 'no snapshots'}
          {row.referenced !== undefined ? ` · refer ${formatBytes(row.referenced)}` : ''}
        </Text>
      </Text>
    );
  }
  const s = row.snap;
  return (
    <Text wrap="truncate" inverse={row.selected}>
      {row.selected ? '>' : ' '}
      {row.marked ? <Text color="yellow">*</Text> : ' '}
      {indent}@{s.name.padEnd(18)} {formatTime(s.createdAt)} {(s.createdAt > 0 ? since(s.createdAt, now) : '–').padStart(6)} ago  used {formatBytes(s.used).padStart(5)}  refer {formatBytes(s.referenced).padStart(5)}
    </Text>
  );
}

function Diff({ diff, rows }: { diff: NonNullable<SnapshotsState['diff']>; rows: number }) {
  if (!diff.supported) {
    return <Text color="yellow">{diff.message ?? 'zfs diff is not supported by this ZFS'}</Text>;
  }
  const lines = diff.lines.slice(0, Math.max(0, rows - 1));
  return (
    <Box flexDirection="column" height={rows}>
      <Text bold wrap="truncate">
        changes since @{diff.snapshot.split('@')[1]}: {diff.lines.length ? `${diff.lines.length} path(s)` : 'none'}
      </Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l.replace(/\t/g, ' ')}
        </Text>
      ))}
    </Box>
  );
}
