import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import { unknownNameIssues } from '../shared/unknown-names.js';
import type { ValidationIssue } from '../shared/errors/validation-issue.js';
import type { BulkItem, EnqueueOptions } from './enqueue-options.js';

/** Every option `enqueue` and `enqueueBulk` take; the compiler holds it to EnqueueOptions. */
const ENQUEUE_OPTION_KEYS = [
  'jobId',
  'attempts',
  'backoff',
  'removeOnComplete',
  'removeOnFail',
  'lifo',
  'delay',
  'runAt',
  'priority',
  'queue',
  'user',
  'traceContext',
  'callback',
  'flowKey',
] as const satisfies readonly (keyof EnqueueOptions)[];

/** Every field of a bulk item; the compiler holds it to BulkItem. */
const BULK_ITEM_KEYS = [
  'task',
  'jobId',
  'callback',
  'flowKey',
  'delay',
  'runAt',
  'priority',
] as const satisfies readonly (keyof BulkItem)[];

// A key added to the types without its name above fails to compile here.
type Unlisted<T, Listed> = Exclude<keyof T, Listed>;
const allEnqueueOptionsListed: Unlisted<EnqueueOptions, (typeof ENQUEUE_OPTION_KEYS)[number]>[] =
  [];
const allBulkItemKeysListed: Unlisted<BulkItem, (typeof BULK_ITEM_KEYS)[number]>[] = [];
void allEnqueueOptionsListed;
void allBulkItemKeysListed;

/**
 * Refuses options the library does not know, from JavaScript callers too
 * (TypeScript's checks are gone at run time): a typo such as `dealy` would
 * otherwise reach BullMQ and be ignored, and the execution run at once.
 */
export function checkEnqueueOptionNames(options: object): void {
  const issues = unknownNameIssues(options, ENQUEUE_OPTION_KEYS);
  if (issues.length > 0) throw new InvalidOptionsError(issues);
}

/** The issues of a bulk item's unknown fields, named after its index. */
export function bulkItemNameIssues(item: object, index: number): ValidationIssue[] {
  return unknownNameIssues(item, BULK_ITEM_KEYS, String(index));
}
