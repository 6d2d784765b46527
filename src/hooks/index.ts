export { AppProvider, useServices, useAppState, useStore, useVisibility, type AppServices } from './context.js';
export { useTerminalSize, type TerminalSize } from './useTerminalSize.js';
export { useNow } from './useNow.js';
export { useKeyRouter } from './useKeyRouter.js';
export { useShownClock } from './useShownClock.js';
