/**
 * Turns any thrown value into a real Error, so that logging and storing it
 * never has to guess (a rejected promise may carry a string, or nothing).
 */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(`Non-error thrown: ${JSON.stringify(value)}`);
  } catch {
    return new Error(`Non-error thrown: ${String(value)}`);
  }
}
