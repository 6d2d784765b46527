import { useEffect, useRef } from 'react';
import { Box } from 'ink';
import { AppProvider, useServices, useStore, type AppServices } from './hooks/context.js';
import { ClickProvider, ClickTargets } from './hooks/useClickTarget.js';
import { useKeyRouter } from './hooks/useKeyRouter.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { computeLayout, tooSmall } from './store/layout.js';
import { CommandPalette } from './views/CommandPalette.js';
import { ConfirmDialog } from './views/ConfirmDialog.js';
import { FilterBar } from './views/FilterBar.js';
import { HelpOverlay } from './views/HelpOverlay.js';
import { MessagesOverlay } from './views/MessagesOverlay.js';
import { PaneArea } from './views/panes.js';
import { bodyRows, statusLayoutOf, type StatusLayout } from './views/screen-rows.js';
import { StatusLine } from './views/StatusLine.js';
import { TooSmall } from './views/TooSmall.js';
import { VmGrid } from './views/VmGrid.js';
import { belowRows } from './views/grid-rows.js';

// Providers and layout only. The screen is rows-1 tall: a root as tall as the terminal makes Ink
// clear the screen on most frames.

const sameLayout = (a: StatusLayout, b: StatusLayout) => JSON.stringify(a) === JSON.stringify(b);

function Screen() {
  useKeyRouter();
  const { store, keymap } = useServices();
  const size = useTerminalSize();
  const ui = useStore((s) => s.ui); // not the hosts: a status report does not re-render the layout
  const messagesOpen = useStore((s) => s.messages.open);
  const status = useStore((s) => statusLayoutOf(s, keymap), sameLayout);
  // panes under the grid: the grid as tall as what it draws whole (it depends on the hosts' headers)
  const belowPanes = useStore((s) => belowRows(s, bodyRows(s, keymap)));
  useEffect(() => {
    store.dispatch({ type: 'ui/resize', cols: size.cols, rows: size.rows });
  }, [store, size.cols, size.rows]);

  // A question asked while the window is too small (q with a deploy running) must still be seen and answered.
  if (tooSmall(size)) {
    return (
      <Box flexDirection="column">
        <TooSmall cols={size.cols} rows={size.rows} />
        {ui.dialog ? <ConfirmDialog dialog={ui.dialog} width={size.cols} /> : null}
      </Box>
    );
  }

  const width = size.cols;
  const height = size.rows - 1;
  const filterRows = ui.filter.editing || ui.filter.text ? 1 : 0;
  const body = height - status.rows - filterRows;
  const layout = computeLayout(size, ui.panes.length, ui.zoomed, ui.paneSplit);

  let main;
  if (messagesOpen) main = <MessagesOverlay width={width} height={body} />;
  else if (ui.help.open) main = <HelpOverlay width={width} height={body} />;
  else if (ui.palette) main = <CommandPalette width={width} height={body} />;
  else if (layout.mode === 'zoomed') {
    const active = ui.panes.find((p) => p.id === ui.activePane) ?? ui.panes[0]!;
    main = <PaneArea panes={[active]} active={active.id} width={width} height={body} direction="row" />;
  } else if (layout.mode === 'side') {
    main = (
      <Box flexDirection="row" height={body}>
        <VmGrid width={layout.gridWidth} height={body} />
        <PaneArea panes={ui.panes} active={ui.activePane} width={layout.paneWidth} height={body} direction={layout.paneDirection} />
      </Box>
    );
  } else if (layout.mode === 'below') {
    main = (
      <Box flexDirection="column" height={body}>
        <VmGrid width={width} height={body - belowPanes} />
        <PaneArea panes={ui.panes} active={ui.activePane} width={width} height={belowPanes} direction={layout.paneDirection} />
      </Box>
    );
  } else main = <VmGrid width={width} height={body} />;

  return (
    <Box flexDirection="column" width={width} height={height}>
      <FilterBar />
      {/* A question is drawn over the screen, which stays visible around it. */}
      <Box flexDirection="column" width={width} height={body}>
        {main}
        {ui.dialog ? (
          <Box position="absolute" width={width} height={body} alignItems="center" justifyContent="center">
            <ConfirmDialog dialog={ui.dialog} width={width} />
          </Box>
        ) : null}
      </Box>
      <StatusLine width={width} layout={status} />
    </Box>
  );
}

export function App({ services }: { services: AppServices }) {
  const targets = useRef(new ClickTargets()).current;
  return (
    <AppProvider value={services}>
      <ClickProvider targets={targets}>
        <Screen />
      </ClickProvider>
    </AppProvider>
  );
}
