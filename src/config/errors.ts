/** A configuration problem. Its message is ready to print (one line per problem); callers exit 2. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The file concerned. */
    readonly file: string,
    /** The problem lines, without the file prefix. */
    readonly problems: string[] = [],
    /** The file does not exist (so a caller may fall back to a default). */
    readonly missing = false,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
