import type { Readable, Writable } from 'node:stream';
import type { Config } from '../shared/config.js';

/** What a CLI command gets: its arguments, the configuration and the standard streams. */
export interface CommandContext {
  readonly config: Config;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
}

/** A `taskrest` subcommand. Resolves to the process exit code. */
export type Command = (args: readonly string[], context: CommandContext) => Promise<number>;

/** Exit codes of `enqueue --wait` and `status` (docs/cli.md): the error table's exit statuses. */
export { ExitStatus as ExitCode } from '../shared/errors/exit-status.js';

/** The exit codes of `enqueue --wait` and `status`, as the helps list them. */
export const EXIT_CODES_HELP =
  'Exit codes of enqueue --wait and status: 0 success, 1 error, 2 invalid task or usage, 3 not finished, 4 no such execution.';
