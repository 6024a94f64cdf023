/**
 * Every error class of taskrest and the codes they carry: the library
 * exports this list as it is. Each is a TaskrestError with a stable `code`
 * from ErrorCode; match on the code.
 */
export { ErrorCode } from './error-codes.js';
export { TaskrestError } from './taskrest-error.js';
export { TaskError } from './task-error.js';
export { ValidationError } from './validation-error.js';
export type { ValidationIssue } from './validation-issue.js';
export { InvalidTaskError } from './invalid-task-error.js';
export { TaskTooLargeError } from './task-too-large-error.js';
export { RedisUnavailableError } from './redis-unavailable-error.js';
export { OutcomeUnknownError } from './outcome-unknown-error.js';
export { ConfigError } from './config-error.js';
export { SealedDataError } from './sealed-data-error.js';
export { FileNotFoundError } from './file-not-found-error.js';
export { FileTooLargeError } from './file-too-large-error.js';
export { FileChangedError } from './file-changed-error.js';
export { InvalidFileNameError } from './invalid-file-name-error.js';
export { InvalidQueueError } from './invalid-queue-error.js';
export { QueueNotFoundError } from './queue-not-found-error.js';
export { QueueNotEmptyError } from './queue-not-empty-error.js';
export { TooManyQueuesError } from './too-many-queues-error.js';
export { InvalidDestinationError } from './invalid-destination-error.js';
export { DestinationNotFoundError } from './destination-not-found-error.js';
export { InvalidFlowKeyError } from './invalid-flow-key-error.js';
export { FlowKeyNotFoundError } from './flow-key-not-found-error.js';
export { InvalidOptionsError } from './invalid-options-error.js';
export { ExecutionNotFoundError } from './execution-not-found-error.js';
export { NotFailedError } from './not-failed-error.js';
export { AlreadyFinishedError } from './already-finished-error.js';
export { ScheduledExecutionError } from './scheduled-execution-error.js';
export { InvalidScheduleError } from './invalid-schedule-error.js';
export { ScheduleNotFoundError } from './schedule-not-found-error.js';
