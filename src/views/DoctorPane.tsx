import { Box, Text } from 'ink';
import { useServices, useStore } from '../hooks/context.js';
import type { Check } from '../model/doctor.js';
import type { DoctorState } from '../store/slices/doctor.js';
import type { PaneProps } from './panes.js';
import { wrapText } from './wrap.js';
import { Clickable } from '../hooks/useClickTarget.js';

// The doctor's report: one line per check with a verdict that reads without colour ([ok] [FAIL] [??]),
// the evidence of the check under the cursor, and its fix. Every check is listed when the pane is tall enough;
// otherwise the list says how many more there are above and below. Errors and notices wrap, never cut.

const VERDICT: Record<string, { mark: string; color?: string }> = {
  true: { mark: '[ok]  ', color: 'green' },
  false: { mark: '[FAIL]', color: 'red' },
  null: { mark: '[??]  ', color: 'yellow' },
};

function verdict(c: Check) {
  return VERDICT[String(c.ok)]!;
}

export function fixText(c: Check): string | null {
  return c.ok === false && c.fix ? `fix${c.fix.action ? ' (f)' : ' (by hand)'}: ${c.fix.label}  $ ${c.fix.commands.join(' ; ')}` : null;
}

export interface DoctorRows {
  /** First check listed and how many. */
  top: number;
  list: number;
  /** Checks not listed above and below the window (0 and 0 when every check is listed). */
  above: number;
  below: number;
  /** Rows of the selected check's evidence and fix (after a blank row). */
  detail: Array<{ text: string; fix: boolean }>;
  /** A blank row before the detail. */
  gap: number;
  error: string[];
  notice: string[];
  /** A failed fix's last output lines, indented. */
  output: string[];
}

/** How the pane's rows are shared: the list first (all of it when it fits), then the evidence. */
export function doctorRows(state: DoctorState, width: number, height: number): DoctorRows {
  const inner = Math.max(1, width - 4);
  const checks = state.report?.checks ?? [];
  const error = state.error ? wrapText(`error: ${state.error}`, inner) : [];
  const notice = state.notice ? wrapText(state.notice, inner) : [];
  const output = state.output.flatMap((l) => wrapText(`  ${l}`, inner));
  const sel = checks[state.cursor];
  const fix = sel ? fixText(sel) : null;
  const room = Math.max(1, height - 2 - 1 - error.length - notice.length - output.length); // border, title
  // the list keeps room for at least the first row of the evidence (and the fix)
  const detailMin = sel ? 1 + (fix ? 1 : 0) : 0;
  let list = checks.length;
  let above = 0;
  let below = 0;
  let top = 0;
  if (checks.length > room - detailMin) {
    list = Math.max(1, room - detailMin - 1); // one row says how many more
    top = Math.max(0, Math.min(state.cursor - Math.floor(list / 2), checks.length - list));
    above = top;
    below = checks.length - top - list;
  }
  const listRows = list + (above || below ? 1 : 0);
  // a blank row between the list and the evidence when there is a row to spare
  const gap = room - listRows > detailMin ? 1 : 0;
  const detailRoom = Math.max(0, room - listRows - gap);
  let detail: DoctorRows['detail'] = [];
  if (sel && detailRoom > 0) {
    const fixLines = fix ? wrapText(fix, inner) : [];
    const evidence = sel.evidence.split('\n').flatMap((l) => wrapText(l, inner));
    const evRoom = Math.max(1, detailRoom - fixLines.length);
    // the newest evidence lines are kept; the first row then says how many came before
    const shown = evidence.length > evRoom ? [`… ${evidence.length - evRoom + 1} earlier lines`, ...evidence.slice(evidence.length - evRoom + 1)].slice(0, evRoom) : evidence;
    detail = [...shown.map((text) => ({ text, fix: false })), ...fixLines.map((text) => ({ text, fix: true }))].slice(0, detailRoom);
  }
  return { top, list, above, below, detail, gap, error, notice, output };
}

export function DoctorView({ state, width, height, focused, onPick }: { state: DoctorState; width: number; height: number; focused: boolean; onPick?: (index: number) => void }) {
  const r = state.report;
  const title = `doctor ${state.target?.vm ? `${state.target.vm} on ` : ''}${state.target?.host ?? ''}`;
  const rows = doctorRows(state, width, height);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'cyan' : undefined} paddingX={1}>
      <Text bold wrap="truncate-end">
        {`${title}${state.loading ? '  running…' : r ? `  ${r.ok ? 'all checks pass' : 'problems found'} (${r.checks.length} checks, ${r.durationMs} ms)` : ''}`}
      </Text>
      {rows.error.map((l, i) => (
        <Text key={`e${i}`} color="red">
          {l}
        </Text>
      ))}
      {r?.checks.slice(rows.top, rows.top + rows.list).map((c, i) => {
        const v = verdict(c);
        const here = rows.top + i === state.cursor;
        return (
          <Clickable key={c.id} onClick={() => onPick?.(rows.top + i)}>
            <Text inverse={here && focused} wrap="truncate-end">
              {here ? '>' : ' '}
              <Text color={v.color}>{v.mark}</Text> {c.title}
            </Text>
          </Clickable>
        );
      })}
      {rows.above || rows.below ? (
        <Text dimColor wrap="truncate-end">
          {[rows.above ? `↑ ${rows.above} more above` : '', rows.below ? `↓ ${rows.below} more below` : ''].filter(Boolean).join(' · ')} (j/k)
        </Text>
      ) : null}
      {rows.detail.length ? (
        <Box flexDirection="column" marginTop={rows.gap}>
          {rows.detail.map((l, i) => (
            <Text key={i} dimColor={!l.fix} color={l.fix ? 'yellow' : undefined}>
              {l.text}
            </Text>
          ))}
        </Box>
      ) : null}
      {rows.notice.map((l, i) => (
        <Text key={`n${i}`}>{l}</Text>
      ))}
      {rows.output.map((l, i) => (
        <Text key={`o${i}`} color="red">
          {l}
        </Text>
      ))}
    </Box>
  );
}

export function DoctorPane({ pane, width, height, focused }: PaneProps) {
  const { store } = useServices();
  const state = useStore((s) => s.doctor);
  // a click on a check selects it and focuses the pane
  const pick = (index: number) => {
    store.dispatch({ type: 'ui/paneFocus', id: pane.id });
    store.dispatch({ type: 'doctor/move', delta: index - store.getState().doctor.cursor });
  };
  return <DoctorView state={state} width={width} height={height} focused={focused} onPick={pick} />;
}
