import type { UnitActive } from '../model/status.js';

// Colours are a bonus: every state also has a symbol and a word, so it reads under NO_COLOR.

export const STATE_STYLE: Record<UnitActive, { color: string; symbol: string }> = {
  active: { color: 'green', symbol: '●' },
  activating: { color: 'yellow', symbol: '▲' },
  deactivating: { color: 'yellow', symbol: '▼' },
  reloading: { color: 'yellow', symbol: '↻' },
  inactive: { color: 'gray', symbol: '○' },
  failed: { color: 'red', symbol: '✗' },
  unknown: { color: 'gray', symbol: '?' },
};

export const STATUS_COLOR = { info: undefined, ok: 'green', warn: 'yellow', error: 'red' } as const;

export const BRIDGE_TEXT = { up: 'up', down: 'DOWN', 'no-carrier': 'no carrier', missing: 'MISSING', unknown: '?' } as const;
