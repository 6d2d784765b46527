import { Box, Text } from 'ink';
import { shownLines, type LogPaneState } from '../store/slices/logs.js';
import { EditedText, SELECTED_HINT } from './EditedText.js';
import { LogHeader } from './log/LogHeader.js';
import { LogLine } from './log/LogLine.js';
import { visibleRows } from './log/rows.js';

// A log pane, render-only: everything comes from the pane's state; keys are handled by the controller.

export interface LogPaneProps {
  pane: LogPaneState;
  width: number;
  /** Total rows including the header and border. */
  height: number;
  focused: boolean;
}

/** Rows the header, border and footer take; the controller sizes a page with it. */
export const LOG_PANE_CHROME = 4;

/** The footer's row (a prompt, the filter being typed, an error or a notice), or none. */
export function logFooterRows(pane: LogPaneState): number {
  return pane.prompt !== null || pane.filter.editing || pane.filter.error || pane.notice ? 1 : 0;
}

export function LogPane({ pane, width, height, focused }: LogPaneProps) {
  const inner = Math.max(10, width - 2);
  const footer = logFooterRows(pane);
  const bodyRows = Math.max(0, height - LOG_PANE_CHROME - footer);
  const rows = visibleRows({
    buffer: shownLines(pane),
    filter: pane.buffer.filter,
    scroll: pane.scroll,
    rows: bodyRows,
    width: inner,
    wrap: pane.wrap,
    timestamps: pane.timestamps,
  });
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'double' : 'single'} borderColor={focused ? 'cyan' : 'gray'}>
      <LogHeader pane={pane} focused={focused} width={inner} />
      <Box flexDirection="column" height={bodyRows} overflow="hidden">
        {rows.length ? rows.map((r) => <LogLine key={r.key} row={r} />) : <Text dimColor>{emptyText(pane)}</Text>}
      </Box>
      {footer ? <Footer pane={pane} /> : null}
    </Box>
  );
}

function emptyText(p: LogPaneState): string {
  if (p.prompt !== null) return unitChoices(p);
  if (p.still) return p.arrivedSincePause ? `paused with no lines; ${p.arrivedSincePause.toLocaleString('en-US')} new (G follows)` : 'paused with no lines (G follows)';
  if (p.buffer.held && !p.buffer.visibleCount) return `no line matches /${p.filter.text}/`;
  return p.conn.status === 'streaming' ? 'waiting for lines…' : 'no lines yet';
}

/** While a unit name is typed: the host's units that match it (tab completes). */
function unitChoices(p: LogPaneState): string {
  if (p.unitsError) return `type a unit name (the units of ${p.host} could not be read: ${p.unitsError})`;
  if (!p.units) return `type a unit name (reading the units of ${p.host}…)`;
  const typed = p.prompt?.trim() ?? '';
  const matches = p.units.filter((u) => u.startsWith(typed));
  if (!matches.length) return `no unit of ${p.host} starts with "${typed}" (enter follows it anyway)`;
  return `tab completes: ${matches.join('  ')}`;
}

function Footer({ pane }: { pane: LogPaneState }) {
  if (pane.prompt !== null) {
    return (
      <Text wrap="truncate">
        <Text color="cyan">unit on {pane.host}: </Text>
        {pane.prompt}
        <Text inverse> </Text>
        <Text dimColor> (enter follows it, escape closes)</Text>
      </Text>
    );
  }
  if (pane.filter.editing) {
    return (
      <Text wrap="truncate">
        <Text color="cyan">/</Text>
        <EditedText field={pane.filter} />
        {pane.filter.error ? <Text color="yellow"> {pane.filter.error}</Text> : null}
        {pane.filter.selected ? <Text dimColor>{SELECTED_HINT}</Text> : null}
      </Text>
    );
  }
  return (
    <Text wrap="truncate" color={pane.filter.error ? 'yellow' : undefined}>
      {pane.notice ?? pane.filter.error}
    </Text>
  );
}
