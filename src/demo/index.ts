// The built-in demo hypervisor: `startDemo()` for the server and its inventory, `openDemoRuntime()` for
// `mvm-tui --demo`. See server.ts (ssh2 server), state.ts (the simulation), shell.ts (the interpreter).
export { startDemo, outageFromEnv, type Demo, type DemoOptions } from './server.js';
export { openDemoRuntime, DEMO_NOTICE, type DemoRuntime } from './runtime.js';
export { DemoHypervisor, DEMO_VMS, floodFromEnv } from './state.js';
export { ManualClock, realClock, type Clock } from './clock.js';
