import type { Subcommand } from './types.js';
import { configCommands } from './config.js';
import { actionCommands } from './actions.js';
import { auditCommand } from './audit.js';
import { logsCommand } from './logs.js';
import { snapshotCommands } from './snapshot.js';
import { statusCommand } from './status.js';
import { doctorCommand } from './doctor.js';
import { keysCommand } from './keys.js';

// Every subcommand, in the order `--help` lists them. Add a line here for a new one.
export const subcommands: Subcommand[] = [
  statusCommand,
  ...configCommands,
  ...actionCommands,
  auditCommand,
  logsCommand,
  ...snapshotCommands,
  doctorCommand,
  keysCommand,
];
