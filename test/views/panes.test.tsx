import { afterEach, expect, it } from 'vitest';
import { Box, Text } from 'ink';
import { paneViews, type PaneProps } from '../../src/views/panes.js';
import { setup } from './setup.js';

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  delete paneViews['test-pane'];
});

function TestPane({ pane, width, focused }: PaneProps) {
  return (
    <Box width={width} borderStyle="round">
      <Text>
        PANE {pane.title} {focused ? 'FOCUSED' : 'idle'}
      </Text>
    </Box>
  );
}

it('renders a registered pane kind beside the grid on a wide terminal, below it on a narrow one', async () => {
  paneViews['test-pane'] = TestPane;
  const t = setup({ cols: 200, rows: 40 });
  cleanup = () => t.r.unmount();
  await t.r.waitFor('vm1');
  t.store.dispatch({ type: 'ui/paneOpen', pane: { id: 'p1', kind: 'test-pane', scope: 'logs', title: 'vm1 log' } });
  const wide = await t.r.waitFor('PANE vm1 log FOCUSED');
  const line = wide.split('\n').find((l) => l.includes('PANE'))!;
  expect(line).toMatch(/vm\d.*PANE|[│║].*PANE/); // on the same rows as cards
  // the focused pane's scope gets the keys: tab goes back to the grid
  await t.r.press('tab');
  expect(await t.r.waitFor('PANE vm1 log idle')).toBeTruthy();
  await t.r.resize(100, 40);
  const narrow = await t.r.waitFor('PANE');
  const rows = narrow.split('\n');
  expect(rows.findIndex((l) => l.includes('PANE'))).toBeGreaterThan(rows.findIndex((l) => l.includes('vm1')));
});

it('shows the comin state in the host header', async () => {
  const t = setup({ cols: 200 });
  cleanup = () => t.r.unmount();
  t.store.dispatch({ type: 'hosts/comin', host: 'hv1', comin: { commit: '0123456789abcdef', status: 'done', fetchedAt: Date.now() - 30_000 } });
  expect(await t.r.waitFor(/comin 01234567 done fetched 3\ds ago/)).toBeTruthy();
});
