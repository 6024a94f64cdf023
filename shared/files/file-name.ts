import { InvalidFileNameError } from '../errors/invalid-file-name-error.js';

/** Longest accepted file name, in characters. */
export const MAX_FILE_NAME_LENGTH = 255;

/**
 * Why `name` is not an acceptable name in the files resource, or null when it
 * is. Names may contain `/` as a folder separator (`reports/2024.txt`), but
 * nothing that could climb out of a folder or break a header or a Redis key
 * listing: no leading `/`, no `.`, `..` or empty segment, no backslash, no
 * control characters (NUL, CR, LF, ...).
 */
export function fileNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'a file name must be a string';
  if (name.length === 0) return 'a file name must not be empty';
  if (name.length > MAX_FILE_NAME_LENGTH) {
    return `a file name must be at most ${MAX_FILE_NAME_LENGTH} characters`;
  }
  if (name.includes('\0')) return 'a file name must not contain NUL';
  if (/[\r\n]/.test(name)) return 'a file name must not contain CR or LF';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a file name must not contain control characters';
  if (name.includes('\\')) return 'a file name must not contain a backslash';
  if (name.startsWith('/')) return 'a file name must not start with "/"';
  const segments = name.split('/');
  if (segments.includes('..')) return 'a file name must not contain a ".." segment';
  if (segments.includes('.')) return 'a file name must not contain a "." segment';
  if (segments.includes(''))
    return 'a file name must not contain an empty segment ("//" or a trailing "/")';
  return null;
}

/** Throws an InvalidFileNameError (code `INVALID_FILE_NAME`) unless `name` is acceptable. */
export function assertFileName(name: unknown): asserts name is string {
  const problem = fileNameProblem(name);
  if (problem !== null) {
    throw new InvalidFileNameError(`invalid file name ${JSON.stringify(name)}: ${problem}`);
  }
}
