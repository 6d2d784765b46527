import { Box } from 'ink';
import type { LogPaneState } from '../store/slices/logs.js';
import { LogPane } from './LogPane.js';
import { paneCells } from './log/layout.js';

// All open log panes in the area the app gives them: side by side, or a grid; zoomed: the focused one only.

export interface LogPanesProps {
  panes: LogPaneState[];
  activeId: string | null;
  width: number;
  height: number;
  zoomed: boolean;
}

export function LogPanes({ panes, activeId, width, height, zoomed }: LogPanesProps) {
  const active = panes.find((p) => p.id === activeId);
  if (zoomed && active) return <LogPane pane={active} width={width} height={height} focused />;
  const cells = paneCells(panes.length, width, height);
  const rows: Array<typeof cells> = [];
  for (const c of cells) {
    const row = rows.find((r) => r[0]?.y === c.y);
    if (row) row.push(c);
    else rows.push([c]);
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {rows.map((row) => (
        <Box key={row[0]!.y} flexDirection="row">
          {row.map((c) => {
            const p = panes[c.index]!;
            return <LogPane key={p.id} pane={p} width={c.width} height={c.height} focused={p.id === activeId} />;
          })}
        </Box>
      ))}
    </Box>
  );
}
