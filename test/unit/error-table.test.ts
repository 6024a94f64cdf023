import { describe, expect, expectTypeOf, it } from 'vitest';
import { ERROR_ANSWERS, toApiError } from '../../api/error-answers.js';
import { ExitCode } from '../../cli/command.js';
import { exitCodeOfError } from '../../cli/exit-code-of-error.js';
import {
  ErrorCode,
  ERROR_TABLE,
  isRetried,
  type ErrorRow,
  type ErrorTable,
} from '../../shared/errors/error-codes.js';
import { ExitStatus } from '../../shared/errors/exit-status.js';
import { TaskrestError } from '../../shared/errors/taskrest-error.js';

const EVERY_CODE = Object.values(ErrorCode);

describe('the error table, at compile time', () => {
  it('has exactly one row per ErrorCode', () => {
    expectTypeOf(ERROR_TABLE).toEqualTypeOf<ErrorTable>();
    expectTypeOf<keyof typeof ERROR_TABLE>().toEqualTypeOf<ErrorCode>();
  });

  it('does not compile with a new code that has no row, nor with a row of no code', () => {
    // `npm run typecheck` fails if either of these compiles: the table's own type is what
    // makes adding a code without its row (or leaving a removed code's row) an error.
    // @ts-expect-error: NEW_CODE has no row.
    const _withNewCode: ErrorTable<ErrorCode | 'NEW_CODE'> = ERROR_TABLE;
    const row: ErrorRow = { api: null, exit: ExitStatus.ERROR, retried: true };
    // @ts-expect-error: OLD_CODE is no ErrorCode.
    const _withOldCode: ErrorTable = { ...ERROR_TABLE, OLD_CODE: row };
  });
});

describe('the error table, at run time', () => {
  it('has a row for every ErrorCode and none besides', () => {
    expect(Object.keys(ERROR_TABLE).sort()).toEqual([...EVERY_CODE].sort());
  });

  it('holds the exit statuses of the CLI', () => {
    expect(ExitStatus).toEqual(ExitCode);
  });

  it.each(EVERY_CODE)('%s: the API answers as its row says', (code) => {
    const { api } = ERROR_TABLE[code];
    const { statusCode, body } = toApiError(new TaskrestError(code, 'm'));
    expect(statusCode).toBe(api?.status ?? 500);
    expect(body.error).toBe(api?.error ?? 'internal error');
    expect(ERROR_ANSWERS[code]).toEqual(api ?? undefined);
  });

  it.each(EVERY_CODE)('%s: the CLI exits as its row says', (code) => {
    expect(exitCodeOfError(new TaskrestError(code, 'm'))).toBe(ERROR_TABLE[code].exit);
  });

  it.each(EVERY_CODE)(
    '%s: the worker retries it unless the task or its destination is refused',
    (code) => {
      const refused = code === ErrorCode.INVALID_TASK || code === ErrorCode.DESTINATION_DENIED;
      expect(isRetried(code)).toBe(!refused);
      expect(ERROR_TABLE[code].retried).toBe(!refused);
    },
  );

  it('retries a code it does not know, as the worker retries any unnamed failure', () => {
    expect(isRetried('NO_SUCH_CODE' as ErrorCode)).toBe(true);
    expect(isRetried('toString' as ErrorCode)).toBe(true);
  });
});
