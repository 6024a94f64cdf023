import { randomUUID } from 'node:crypto';
import type { JobsOptions } from 'bullmq';

/**
 * The job option under which an add with a `jobId` carries a mark of its
 * own. BullMQ keeps an existing job of that id and stores nothing, so the
 * job's stored options tell whose add made it: this one's, or an earlier
 * (or a racing) one's. The job's creation time cannot tell: two adds within
 * one millisecond carry the same.
 */
const ADD_MARK = 'taskrestAdd';

/** `opts` with a mark no other add carries. */
export function withAddMark(opts: JobsOptions): JobsOptions {
  return { ...opts, [ADD_MARK]: randomUUID() } as JobsOptions;
}

/**
 * True when the job options stored under the id (`stored`, BullMQ's JSON)
 * are not the ones this add sent (`opts`, marked by `withAddMark`): the job
 * existed already, and the add stored nothing. Null (the job is gone
 * already) and options without a mark say false.
 */
export function isOtherAdd(stored: string | null, opts: JobsOptions): boolean {
  if (stored === null) return false;
  const mark = markOf(opts);
  if (mark === undefined) return false;
  try {
    return markOf(JSON.parse(stored)) !== mark;
  } catch {
    return false;
  }
}

function markOf(opts: unknown): unknown {
  return opts !== null && typeof opts === 'object'
    ? (opts as Record<string, unknown>)[ADD_MARK]
    : undefined;
}
