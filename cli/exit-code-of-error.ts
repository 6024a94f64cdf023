import { ERROR_TABLE, ErrorCode } from '../shared/errors/error-codes.js';
import { TaskrestError } from '../shared/errors/taskrest-error.js';
import { ExitCode } from './command.js';

/**
 * The exit code of each error code: the error table's `exit` column (exit 2,
 * "invalid task or usage" in docs/cli.md, for the caller's mistakes). A
 * failure without a code exits 1.
 */
export const ERROR_EXIT_CODES: Readonly<Partial<Record<ErrorCode, number>>> = Object.fromEntries(
  Object.entries(ERROR_TABLE).map(([code, { exit }]): [string, number] => [code, exit]),
);

/** What to add to the message of an error of this code, for the person at the terminal. */
const HINTS: Readonly<Partial<Record<ErrorCode, string>>> = {
  [ErrorCode.REDIS_UNAVAILABLE]: ': is REDIS_URL right, and is Redis running?',
};

/** The process exit code for an error a command threw, by its code. */
export function exitCodeOfError(error: unknown): number {
  const code = error instanceof TaskrestError ? error.code : undefined;
  return (code && ERROR_EXIT_CODES[code]) ?? ExitCode.ERROR;
}

/**
 * The line to print for an error a command threw: the caller's mistakes
 * (exit 2) as they are, with a hint when there is one, others prefixed with
 * the command that failed.
 */
export function describeError(error: unknown, command: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof TaskrestError ? error.code : undefined;
  const hint = code ? HINTS[code] : undefined;
  if (hint !== undefined) return `${message}${hint}`;
  if (exitCodeOfError(error) === ExitCode.USAGE) return message;
  return `taskrest ${command}: ${message}`;
}
