/**
 * The file was replaced or deleted while it was being read, so the bytes read
 * so far belong to a version that no longer exists; the reader must start over.
 */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
  readonly code = 'FILE_CHANGED';

  constructor(readonly fileName: string) {
    super(`file "${fileName}" was replaced or deleted while it was being read`);
  }
}
