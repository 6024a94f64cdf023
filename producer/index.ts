/**
 * taskrest's public library API: what a Node service imports to enqueue REST
 * tasks and read their executions back.
 */
export { TaskProducer, type EnqueueOptions, type ProducerOptions } from './task-producer.js';
export type { TaskInput, Task } from '../shared/task-schema.js';
export type { TaskOutput, OutputStatus } from '../shared/output.js';
export { ExecutionState, type Execution } from '../shared/execution.js';
export { loadConfig, ConfigError, type Config } from '../shared/config.js';
export { TaskError } from '../shared/errors/task-error.js';
export { ErrorCode } from '../shared/errors/error-codes.js';
export { InvalidTaskError, type ValidationIssue } from '../shared/errors/invalid-task-error.js';
export { TaskTooLargeError } from '../shared/errors/task-too-large-error.js';
export { RedisUnavailableError } from '../shared/errors/redis-unavailable-error.js';
export { OutcomeUnknownError } from '../shared/errors/outcome-unknown-error.js';
export type { FilesStore, FileInfo } from '../shared/files/files-store.js';
export { taskJsonSchema } from '../shared/task-schema.js';
