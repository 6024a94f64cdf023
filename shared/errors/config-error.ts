import { ErrorCode } from './error-codes.js';
import { TaskrestError } from './taskrest-error.js';

/**
 * A bad configuration: an environment variable, a GRANTS_FILE, or an option
 * of `new TaskProducer(…)`. The message names each bad setting and why.
 */
export class ConfigError extends TaskrestError {
  override readonly name = 'ConfigError';
  declare readonly code: typeof ErrorCode.INVALID_CONFIG;

  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INVALID_CONFIG, message, options);
  }
}
