// The package entry for scripts and other tools: the status model (with the zod schema that
// `mvm-tui status --json` output validates against) and the pure parsers of remote command output.
export * from './model/status.js';
export * from './parsers/index.js';
export { vmProblems, hostProblems, reportHealthy } from './model/status-check.js';
