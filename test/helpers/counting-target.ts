import {
  startScriptedTarget,
  type Arrival,
  type Reply,
  type ScriptedTarget,
} from './scripted-target.js';

/**
 * A scripted target for the fault tests that also counts requests per task
 * id, so a test can prove "each job ran exactly once" (or at least once) by
 * counting. Its paths say how it answers:
 *
 * - `/hit/ID`: 200 at once.
 * - `/slow/ID?ms=N`: 200 after N ms (100 without).
 * - `/hold/ID`: the first request for ID is held open until the test calls
 *   `release()` or closes the target; later ones get 200 at once (a worker
 *   that dies mid-request, and the one that recovers the job).
 * - `/hold-always/ID`: every request is held (a job that keeps killing workers).
 * - anything else: 404.
 */
export interface CountingTarget extends ScriptedTarget {
  /** Requests seen per id (the path's second segment), in order of first arrival. */
  readonly counts: Map<string, number>;
}

/** Starts a counting target on 127.0.0.1 and a free port. */
export async function startCountingTarget(): Promise<CountingTarget> {
  const counts = new Map<string, number>();
  const reply = (arrival: Arrival): Reply => {
    const [, route = '', id = ''] = arrival.path.split('/');
    const seen = (counts.get(id) ?? 0) + 1;
    counts.set(id, seen);
    const ok = { body: { id } };
    switch (route) {
      case 'hit':
        return ok;
      case 'slow':
        return { ...ok, delayMs: Number(arrival.query.get('ms') ?? 100) };
      case 'hold':
        return seen === 1 ? 'hold' : ok;
      case 'hold-always':
        return 'hold';
      default:
        return { status: 404, body: '' };
    }
  };
  return Object.assign(await startScriptedTarget({ reply }), { counts });
}
