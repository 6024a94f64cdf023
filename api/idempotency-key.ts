import { IDEMPOTENCY_KEY_PATTERN } from '../shared/enqueue-options.js';
import { ErrorCode } from '../shared/errors/error-codes.js';
import { ApiError } from './api-error.js';

export { IDEMPOTENCY_KEY_PATTERN };

/**
 * The `Idempotency-Key` header as a BullMQ job id, or undefined without one.
 * BullMQ refuses integer ids (they would clash with its own) and colons.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(',') : header.trim();
  if (!IDEMPOTENCY_KEY_PATTERN.test(key) || /^\d+$/.test(key)) {
    throw new ApiError(
      ErrorCode.INVALID_IDEMPOTENCY_KEY,
      'Idempotency-Key: expected 1 to 200 letters, digits or _ . ~ @ + = -, and not only digits',
    );
  }
  return key;
}
