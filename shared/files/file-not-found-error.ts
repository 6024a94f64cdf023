/** No file of that name in the files resource. */
export class FileNotFoundError extends Error {
  override readonly name = 'FileNotFoundError';
  // The same string as ErrorCode.FILE_NOT_FOUND, so callers match either.
  readonly code = 'FILE_NOT_FOUND';

  constructor(readonly fileName: string) {
    super(`file "${fileName}" not found in the files resource`);
  }
}
