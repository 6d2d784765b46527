export * from './types.js';
export { COMMANDS } from './table.js';
export { normalizeKey, keyLabel } from './keys.js';
export { buildKeymap, conflicts, reachableScopes, KeymapError, type Keymap, type KeymapOptions, type CustomCommandInput } from './build.js';
export { isVisible, visibleCommands, hintsFor, helpSections, paletteMatches, paletteElsewhere, whyNotHere, SCOPE_TITLES, type Visibility, type Hint, type HelpSection } from './visible.js';
