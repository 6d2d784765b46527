// Stands in for ink's build/devtools.js in the bundle (see tsup.plugins.ts). Ink loads that file only when
// DEV=true, to connect React DevTools through react-devtools-core and ws, which mvm-tui neither ships nor
// bundles: say so once and carry on without DevTools rather than crash at start-up.
process.stderr.write('mvm-tui: DEV=true asks for React DevTools, which this build does not include; running without them\n');
