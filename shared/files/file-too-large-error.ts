/** A file larger than `TASKREST_MAX_FILE_BYTES`; nothing was stored. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  readonly code = 'FILE_TOO_LARGE';

  constructor(
    readonly fileName: string,
    readonly maxBytes: number,
  ) {
    super(`file "${fileName}" is larger than the limit of ${maxBytes} bytes`);
  }
}
