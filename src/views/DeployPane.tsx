import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useStore } from '../hooks/context.js';
import { useNow } from '../hooks/useNow.js';
import { describeDeploy, type DeployRun, type DeployState } from '../store/slices/deploy.js';
import { formatDuration } from './format.js';
import type { PaneProps } from './panes.js';

// The output of a deploy or runner update: a header with a spinner and elapsed time while it runs, then its
// outcome in a word (ok / FAILED / CANCELLED, so it reads without colour), exit code and duration; the
// output below, following the end unless scrolled back; a footer with what can be done now.

function Elapsed({ since }: { since: number }) {
  const now = useNow(1000);
  return <Text>{formatDuration(Math.max(0, now - since))}</Text>;
}

function outcome(run: DeployRun): { word: string; color: string; detail: string } {
  const secs = `${((run.durationMs ?? 0) / 1000).toFixed(1)} s`;
  const exit = run.code !== null ? `exit ${run.code}` : run.signal ? `signal ${run.signal}` : 'no exit code';
  if (run.phase === 'ok') return { word: 'ok', color: 'green', detail: `exit 0 in ${secs}` };
  if (run.phase === 'cancelled') return { word: 'CANCELLED', color: 'yellow', detail: `after ${secs}` };
  return { word: 'FAILED', color: 'red', detail: `${exit} after ${secs}` };
}

export function DeployView({ state, width, height, focused }: { state: DeployState; width: number; height: number; focused: boolean }) {
  const inner = Math.max(10, width - 4);
  const clip = (s: string) => (s.length > inner ? s.slice(0, inner - 1) + '…' : s);
  const run = state.run;
  if (!run) {
    return (
      <Box width={width} height={height} borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'cyan' : undefined} paddingX={1}>
        <Text dimColor>no deploy or update has run</Text>
      </Box>
    );
  }
  const running = run.phase === 'running';
  const o = running ? null : outcome(run);
  // Where ctrl-c goes: it cancels the run only from this pane; anywhere else it asks to quit (and cancel).
  const runningFooter = focused
    ? `ctrl-c cancels it · esc hide (it keeps running)${state.back ? ' · G follow' : ''}`
    : 'tab to this pane, then ctrl-c cancels it (ctrl-c elsewhere asks to quit)';
  const footer = running
    ? runningFooter
    : state.restartOffer.length
      ? `restart needed: ${state.restartOffer.map((r) => r.vm).join(', ')} · r restart now · esc close`
      : `${state.lines.length + state.dropped} lines · ↑/↓ scroll · G end · esc close`;
  // border 2 + header + command + footer
  const rows = Math.max(1, height - 5);
  const end = Math.max(Math.min(rows, state.lines.length), state.lines.length - state.back);
  const atTop = end - rows <= 0;
  // a note in place of the first line when older output was dropped
  const note = state.dropped > 0 && atTop;
  const shown = state.lines.slice(Math.max(0, end - rows + (note ? 1 : 0)), end);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'cyan' : o?.word === 'FAILED' ? 'red' : undefined} paddingX={1}>
      <Text bold wrap="truncate">
        {running ? (
          <>
            <Text color="cyan">
              <Spinner type="dots" />
            </Text>{' '}
            {describeDeploy(run)} {run.cancelling ? 'cancelling' : 'running'} <Elapsed since={run.startedAt} />
          </>
        ) : (
          <>
            <Text color={o!.color}>{o!.word}</Text> {describeDeploy(run)} <Text color={o!.color}>{o!.detail}</Text>
          </>
        )}
      </Text>
      <Text dimColor wrap="truncate">
        {clip(run.commands.map((c) => `$ ${c}`).join('  '))}
      </Text>
      <Box flexDirection="column" height={rows}>
        {note ? <Text dimColor>{`(${state.dropped} earlier lines dropped)`}</Text> : null}
        {shown.map((l, i) => (
          <Text key={i} wrap="truncate">
            {clip(l) || ' '}
          </Text>
        ))}
      </Box>
      <Text dimColor={!o || o.word === 'ok'} color={o && o.word !== 'ok' ? o.color : undefined} wrap="truncate">
        {clip(!running && run.summary && o?.word !== 'ok' ? `${o!.word}: ${run.summary} · ${footer}` : footer)}
      </Text>
    </Box>
  );
}

export function DeployPane({ width, height, focused }: PaneProps) {
  const state = useStore((s) => s.deploy);
  return <DeployView state={state} width={width} height={height} focused={focused} />;
}
