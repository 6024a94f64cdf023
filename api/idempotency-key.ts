import { ErrorCode } from '../shared/errors/error-codes.js';
import { ApiError } from './api-error.js';

/**
 * What an Idempotency-Key may look like (besides not being only digits): it
 * becomes the BullMQ job id, the execution_id.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\w.~@+=-]{1,200}$/;

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
