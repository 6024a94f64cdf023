import type { ExecutionPage } from '../../shared/history/execution-history.js';

/**
 * Bulk replay, the console's side: what the filter selects is counted
 * first (the executions list, paged), then each execution is replayed with
 * the API's own `POST /api/queues/:queue/tasks/:id/retry`, a few at a time.
 * No route of its own: the console reads and acts only through the public
 * API, as a script would.
 */

/** One execution to run again. */
export interface ReplayTarget {
  readonly queue: string;
  readonly id: string;
}

/**
 * How the console calls the API: `callApi` (a test gives its own). What it
 * throws for a refusal carries the HTTP `status` and the API's sentence as
 * `detail` (api-client.ts's ApiError and UnauthorizedError).
 */
export type CallApi = <T>(path: string, init?: { method?: string }) => Promise<T>;

/** What counting found. */
export interface Counted {
  /** The distinct executions that are failed now, newest failure first. */
  readonly targets: ReplayTarget[];
  /**
   * Listed as failed, but failed no longer: a later run (the history lists
   * every run) is running or ended otherwise, or the queue no longer holds
   * the execution, so it cannot run again.
   */
  readonly notFailed: number;
}

/** One execution a replay left alone, with what the API said. */
export interface Skipped extends ReplayTarget {
  readonly message: string;
}

/** How far a bulk replay got. */
export interface ReplayTally {
  readonly total: number;
  readonly replayed: number;
  /** 409 (no longer failed) or 404 (gone from its queue): nothing to run again. */
  readonly skipped: readonly Skipped[];
  /** Any other refusal (the API down, say): these may be tried again. */
  readonly errors: readonly Skipped[];
  /** Why it stopped before the end (a token without `admin`, say), if it did. */
  readonly stopped?: string;
}

/** Records per page while counting: the API's largest page. */
const COUNT_PAGE = '500';
/** Replays in flight at once: quick for hundreds, and gentle with the API. */
export const REPLAY_CONCURRENCY = 4;

interface RunOptions {
  readonly call: CallApi;
  /** Checked between calls: once aborted, no further call starts. */
  readonly signal?: AbortSignal;
}

/**
 * Pages through `GET /api/executions` with `filters` and `state=failed` (a
 * page may hold fewer rows than asked while more follow: the cursor says),
 * keeping each (queue, execution) once. The history lists every run, so an
 * execution whose failed run was replayed since may be listed: each one's
 * state is then asked of its queue, and only those still failed are kept.
 * `onSeen` hears how many distinct executions were seen so far.
 */
export async function countFailed(
  filters: Readonly<Record<string, string>>,
  { call, signal, onSeen }: RunOptions & { onSeen?: (seen: number) => void },
): Promise<Counted> {
  const seen = new Map<string, ReplayTarget>();
  let cursor: string | null = null;
  let source: ExecutionPage['source'] = 'redis';
  do {
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
    query.set('state', 'failed');
    query.set('limit', COUNT_PAGE);
    if (cursor !== null) query.set('cursor', cursor);
    const page: ExecutionPage = await call<ExecutionPage>(`/api/executions?${query.toString()}`);
    source = page.source;
    for (const row of page.executions) {
      const target = { queue: row.queue, id: String(row.execution_id) };
      seen.set(`${target.queue}\u0000${target.id}`, target);
    }
    onSeen?.(seen.size);
    cursor = page.next_cursor;
  } while (cursor !== null && !signal?.aborted);
  const listed = [...seen.values()];
  // Without a history the list is the queues' failed sets themselves: failed now.
  if (source === 'redis') return { targets: listed, notFailed: 0 };
  const failed = await inLanes(
    listed,
    (target) => isFailed(call, target),
    () => !!signal?.aborted,
  );
  const targets = listed.filter((_, i) => failed[i] === true);
  return { targets, notFailed: listed.length - targets.length };
}

/** Whether the queue holds the execution as failed now (false when it holds it no longer). */
async function isFailed(call: CallApi, { queue, id }: ReplayTarget): Promise<boolean> {
  try {
    return (await call<{ state: string }>(taskPath(queue, id))).state === 'failed';
  } catch (error) {
    if (refusalOf(error).status === 404) return false;
    throw error;
  }
}

/**
 * Replays each target, `REPLAY_CONCURRENCY` at a time, telling `onProgress`
 * after each one. A 409 (it is failed no longer: replayed by someone else,
 * or running) and a 404 (gone) are skipped with the API's sentence; a 401 or
 * 403 stops the whole run, since every other call would be refused alike.
 */
export async function replayAll(
  targets: readonly ReplayTarget[],
  { call, signal, onProgress }: RunOptions & { onProgress?: (tally: ReplayTally) => void },
): Promise<ReplayTally> {
  let tally: ReplayTally = { total: targets.length, replayed: 0, skipped: [], errors: [] };
  await inLanes(
    targets,
    async (target) => {
      const outcome = await replayOne(call, target);
      tally = tallied(tally, target, outcome);
      onProgress?.(tally);
    },
    () => tally.stopped !== undefined || !!signal?.aborted,
  );
  return tally;
}

type Outcome = { kind: 'replayed' } | { kind: 'skipped' | 'error' | 'stop'; message: string };

async function replayOne(call: CallApi, { queue, id }: ReplayTarget): Promise<Outcome> {
  try {
    await call(`${taskPath(queue, id)}/retry`, { method: 'POST' });
    return { kind: 'replayed' };
  } catch (error) {
    const { status, message } = refusalOf(error);
    if (status === 409 || status === 404) return { kind: 'skipped', message };
    if (status === 401 || status === 403) return { kind: 'stop', message };
    return { kind: 'error', message };
  }
}

/** The status of a refusal (undefined for a failure without one) and its best sentence. */
function refusalOf(error: unknown): { status: number | undefined; message: string } {
  if (!(error instanceof Error)) return { status: undefined, message: String(error) };
  const { status, detail } = error as Error & { status?: unknown; detail?: unknown };
  return {
    status: typeof status === 'number' ? status : undefined,
    message: typeof detail === 'string' ? detail : error.message,
  };
}

function tallied(tally: ReplayTally, target: ReplayTarget, outcome: Outcome): ReplayTally {
  if (outcome.kind === 'replayed') return { ...tally, replayed: tally.replayed + 1 };
  const item = { ...target, message: outcome.message };
  if (outcome.kind === 'skipped') return { ...tally, skipped: [...tally.skipped, item] };
  const errors = [...tally.errors, item];
  return outcome.kind === 'stop'
    ? { ...tally, errors, stopped: outcome.message }
    : { ...tally, errors };
}

/**
 * Runs `each` over `items` in `REPLAY_CONCURRENCY` lanes, each lane taking
 * the next item when its last one is done; answers in the items' order
 * (undefined for those not started once `stopped` said yes).
 */
async function inLanes<T, R>(
  items: readonly T[],
  each: (item: T) => Promise<R>,
  stopped: () => boolean,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !stopped()) {
      const i = next++;
      results[i] = await each(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(REPLAY_CONCURRENCY, items.length) }, lane));
  return results;
}

function taskPath(queue: string, id: string): string {
  return `/api/queues/${encodeURIComponent(queue)}/tasks/${encodeURIComponent(id)}`;
}
