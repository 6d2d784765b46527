import type { ParseArgsConfig } from 'node:util';
import type { GlobalOptions } from '../config/types.js';

/** Exit codes: 0 ok, 1 something needs attention / failed, 2 usage or config error, 3 refused (read-only). */
export const EXIT = { ok: 0, attention: 1, usage: 2, readOnly: 3 } as const;

export type { GlobalOptions };

export interface CommandContext {
  global: GlobalOptions;
  /** Positional words after the subcommand name. */
  args: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Subcommand {
  /** e.g. 'status' or 'snapshot list'. */
  name: string;
  synopsis: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext): Promise<number>;
}

/** A usage error: printed with the synopsis, exit 2. */
export class UsageError extends Error {}
