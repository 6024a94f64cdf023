import type { JobsOptions } from 'bullmq';
import type { TaskInput } from '../shared/task-schema.js';
import type { BulkItem } from './enqueue-options.js';
import type { JobTiming } from './job-timing.js';

/** A bulk's entry once checked: its task, its callback URL, and its job options. */
export interface BulkEntry {
  readonly task: TaskInput;
  /** The item's own callback, else the bulk's. */
  readonly callback: string | undefined;
  /** The item's own flow key, else the bulk's. */
  readonly flowKey: string | undefined;
  readonly opts: JobsOptions;
}

/** A bulk entry as a task and its own options (none for a bare task). */
export function bulkEntryOf(entry: TaskInput | BulkItem): {
  task: TaskInput;
  item: Omit<BulkItem, 'task'>;
  /** Where the task sits in the entry, for issue paths: `task`, or '' for a bare task. */
  within: string;
} {
  if (entry !== null && typeof entry === 'object' && 'task' in entry) {
    const { task, ...item } = entry;
    return { task, item, within: 'task' };
  }
  return { task: entry, item: {}, within: '' };
}

/**
 * An item's timing over the bulk's: its `priority` over the bulk's, and its
 * `delay` or `runAt` in place of the bulk's `delay` and `runAt` (one of
 * them holds).
 */
export function overTiming(defaults: JobTiming, { delay, runAt, priority }: JobTiming): JobTiming {
  const when = delay !== undefined || runAt !== undefined ? { delay, runAt } : defaults;
  return { delay: when.delay, runAt: when.runAt, priority: priority ?? defaults.priority };
}
