/** A name that the files resource refuses; the message says why. */
export class InvalidFileNameError extends Error {
  override readonly name = 'InvalidFileNameError';
  readonly code = 'INVALID_FILE_NAME';
}
