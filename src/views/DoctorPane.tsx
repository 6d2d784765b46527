import { Box, Text } from 'ink';
import { useStore } from '../hooks/context.js';
import type { Check } from '../services/doctor-checks.js';
import type { DoctorState } from '../store/slices/doctor.js';
import type { PaneProps } from './panes.js';

// The doctor's report: one line per check with a verdict that reads without colour ([ok] [FAIL] [??]),
// the evidence of the check under the cursor, and its fix.

const VERDICT: Record<string, { mark: string; color?: string }> = {
  true: { mark: '[ok]  ', color: 'green' },
  false: { mark: '[FAIL]', color: 'red' },
  null: { mark: '[??]  ', color: 'yellow' },
};

function verdict(c: Check) {
  return VERDICT[String(c.ok)]!;
}

export function DoctorView({ state, width, height, focused }: { state: DoctorState; width: number; height: number; focused: boolean }) {
  const inner = Math.max(10, width - 4);
  const r = state.report;
  const title = `doctor ${state.target?.vm ? `${state.target.vm} on ` : ''}${state.target?.host ?? ''}`;
  const sel = r?.checks[state.cursor];
  const listRows = Math.max(1, Math.min(r?.checks.length ?? 1, height - 9));
  const top = Math.max(0, Math.min(state.cursor - Math.floor(listRows / 2), (r?.checks.length ?? 0) - listRows));
  const clip = (s: string) => (s.length > inner ? s.slice(0, inner - 1) + '…' : s);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'cyan' : undefined} paddingX={1}>
      <Text bold>
        {clip(`${title}${state.loading ? '  running…' : r ? `  ${r.ok ? 'all checks pass' : 'problems found'} (${r.durationMs} ms)` : ''}`)}
      </Text>
      {state.error ? <Text color="red">{clip(`error: ${state.error}`)}</Text> : null}
      {r?.checks.slice(top, top + listRows).map((c, i) => {
        const v = verdict(c);
        const here = top + i === state.cursor;
        return (
          <Text key={c.id} inverse={here && focused} wrap="truncate">
            {here ? '>' : ' '}
            <Text color={v.color}>{v.mark}</Text> {clip(c.title)}
          </Text>
        );
      })}
      {sel ? (
        <Box flexDirection="column" marginTop={1}>
          {sel.evidence.split('\n').slice(-Math.max(1, height - listRows - 7)).map((l, i) => (
            <Text key={i} dimColor wrap="truncate">
              {clip(l)}
            </Text>
          ))}
          {sel.ok === false && sel.fix ? <Text color="yellow" wrap="truncate">{clip(`fix${sel.fix.action ? ' (f)' : ' (by hand)'}: ${sel.fix.label}  $ ${sel.fix.commands.join(' ; ')}`)}</Text> : null}
        </Box>
      ) : null}
      {state.notice ? <Text wrap="truncate">{clip(state.notice)}</Text> : null}
      {state.output.map((l, i) => (
        <Text key={`o${i}`} color="red" wrap="truncate">
          {clip(`  ${l}`)}
        </Text>
      ))}
    </Box>
  );
}

export function DoctorPane({ width, height, focused }: PaneProps) {
  const state = useStore((s) => s.doctor);
  return <DoctorView state={state} width={width} height={height} focused={focused} />;
}
