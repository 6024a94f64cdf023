/**
 * taskrest's public library API: what a Node service imports to enqueue REST
 * tasks and read their executions back.
 */
import type { FilesStore } from '../shared/files/files-store.js';

export { TaskProducer } from './task-producer.js';
export type { TaskProducerOptions, Retention } from './task-producer-options.js';
export type { EnqueueOptions, BulkItem } from './enqueue-options.js';
export type { JobTiming } from './job-timing.js';
export type { Enqueued, BulkEnqueued } from './enqueued.js';
export type { Cancelled, Retried, RetriedCount, Removed } from './execution-control.js';
export type {
  QueueOption,
  CancelOptions,
  RetryFailedOptions,
  WaitOptions,
} from './execution-options.js';
export type { TaskInput, Task } from '../shared/task-schema.js';
export { OutputStatus, type TaskOutput } from '../shared/output.js';
export { ExecutionState, type Execution } from '../shared/execution.js';
// Every error class, ErrorCode and ValidationIssue: the errors' index is their public list.
export * from '../shared/errors/index.js';
export type { FilesStore, FileInfo } from '../shared/files/files-store.js';
/** What `files.put` answers: the stored file's size in bytes. */
export type FileStored = Awaited<ReturnType<FilesStore['put']>>;
export type { TraceCarrier } from '../shared/tracing/trace-carrier.js';
export type { QueueAdmin, RemoveQueueOptions } from './queue-admin.js';
export type { ScheduleAdmin, SetScheduleOptions } from './schedule-admin.js';
export type {
  Schedule,
  ScheduleExecution,
  ScheduleOptions,
  ScheduleSettings,
} from '../shared/schedule-settings.js';
export type { QueueInfo, QueueSettings, RateLimit } from '../shared/queue-settings.js';
export type { DestinationAdmin } from './destination-admin.js';
export type { FlowKeyAdmin } from './flow-key-admin.js';
export type { DestinationInfo, FlowKeyInfo } from '../shared/destinations/destination-state.js';
export type {
  DestinationSettings,
  FlowKeySettings,
} from '../shared/destinations/destination-settings.js';
export { taskJsonSchema } from '../shared/task-schema.js';
export type { ExecutionFilter } from '../shared/history/execution-filter.js';
export type {
  ExecutionHistory,
  ExecutionPage,
  ExecutionStats,
  ListSource,
  OriginStats,
  StatsBucket,
} from '../shared/history/execution-history.js';
export type { ExecutionRecord, ExecutionSummary } from '../shared/history/execution-record.js';
export { RecordState } from '../shared/history/execution-record.js';
