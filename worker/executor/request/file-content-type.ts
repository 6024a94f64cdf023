import { lazyRequire } from '../../../shared/lazy-require.js';

/**
 * mime-types with the mime-db table, loaded by the first file part: heap
 * that a worker of tasks without files never needs (see docs/performance.md).
 */
const mimeTypes = lazyRequire<typeof import('mime-types')>('mime-types');

/** The Content-Type of a file part whose type is not known from its name. */
export const DEFAULT_FILE_CONTENT_TYPE = 'application/octet-stream';

/**
 * The Content-Type of a multipart file part, from the file name's extension
 * (case-insensitive), as mime-types (the mime-db table) knows it. Text types
 * carry their charset, as the connector sends them: `report.txt` is
 * `text/plain; charset=utf-8`.
 */
export function fileContentType(fileName: string): string {
  const type = mimeTypes().lookup(fileName);
  if (type === false) return DEFAULT_FILE_CONTENT_TYPE;
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}
