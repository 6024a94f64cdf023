/**
 * Reads an execution's log (one line per step, each starting with an ISO
 * time) into its attempts. The worker logs the request once (`GET http…`);
 * each `retry N in D s after REASON` ends an attempt with REASON and says
 * when the next one is due; `taken up again for retry N` is when it started
 * (after a parked wait); `response …` is how the last one ended. Any other
 * line (`held until …`, a cut body) is a note of the attempt it falls in.
 *
 * A park (`retry N in D s after REASON: parked, the worker slot freed until
 * T`, or `held until T: …: parked`) ends the worker's run: the worker that
 * takes it up (`taken up again …`) logs the request line again, which is
 * the same attempt going on, not a new one. A parked retry's note says
 * `parked until T`.
 */

/** One line of the log: its time (null when the line has none) and what it says. */
export interface LogLine {
  readonly at: string | null;
  readonly text: string;
}

/** One HTTP request sent, and what came of it. */
export interface Attempt {
  /** 1 for the first request. */
  readonly number: number;
  /** When it was sent: logged, or (a retry not taken up from a park) when it was due. */
  readonly sentAt: string | null;
  /** `GET https://…` as logged (the URL redacted by the worker). */
  readonly request: string;
  /** How it ended (`HTTP 503 Service Unavailable`, `response HTTP 200 OK`) and when; null while running. */
  readonly outcome: LogLine | null;
  /** The other lines while it was the current one. */
  readonly notes: LogLine[];
}

const TIMED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s+(.*)$/s;
const REQUEST = /^[A-Z]+ https?:\/\//;
const RETRY = /^retry (\d+) in ([\d.]+) s after (.*)$/s;
const TAKEN_UP = /^taken up again for retry \d+/;
const TAKEN_UP_AFTER_HOLD = /^taken up again after the hold/;
const PARKED = /^(.*): parked, the worker slot freed until (\S+)$/s;

/** A log line split into its time and text. */
export function parseLogLine(line: string): LogLine {
  const match = TIMED.exec(line);
  return match ? { at: match[1] ?? null, text: match[2] ?? '' } : { at: null, text: line };
}

type Building = { -readonly [K in keyof Attempt]: Attempt[K] };

/** `at` plus `seconds`, as an ISO time (null when `at` is). */
function later(at: string | null, seconds: number): string | null {
  return at === null ? null : new Date(Date.parse(at) + seconds * 1000).toISOString();
}

/** A new attempt of `request`, sent (or due) at `sentAt`. */
function attempt(number: number, sentAt: string | null, request: string): Building {
  return { number, sentAt, request, outcome: null, notes: [] };
}

/** A retry line: the current attempt ended by its reason, the next one due; parked if it says so. */
function retried(attempts: Building[], current: Building, line: LogLine, match: RegExpExecArray) {
  const reason = match[3] ?? '';
  const parked = PARKED.exec(reason);
  current.outcome = { at: line.at, text: parked ? (parked[1] ?? '') : reason };
  current.notes.push(line);
  const next = attempt(attempts.length + 1, later(line.at, Number(match[2])), current.request);
  if (parked) next.notes.push({ at: line.at, text: `parked until ${parked[2] ?? ''}` });
  attempts.push(next);
}

/** The attempts of a log, in order. Lines before the request are no attempt's. */
export function attemptsOf(log: readonly string[]): Attempt[] {
  const attempts: Building[] = [];
  /** Taken up again after a park: the next request line goes on with the current attempt. */
  let resumed = false;
  for (const line of log.map(parseLogLine)) {
    const current = attempts.at(-1);
    if (REQUEST.test(line.text)) {
      if (current && resumed) current.sentAt = line.at;
      else attempts.push(attempt(attempts.length + 1, line.at, line.text));
      resumed = false;
      continue;
    }
    if (!current) continue;
    const retry = RETRY.exec(line.text);
    if (retry) {
      retried(attempts, current, line, retry);
    } else if (TAKEN_UP.test(line.text)) {
      current.sentAt = line.at;
      resumed = true;
    } else if (TAKEN_UP_AFTER_HOLD.test(line.text)) {
      current.notes.push(line);
      resumed = true;
    } else if (line.text.startsWith('response ') && current.outcome === null) {
      current.outcome = line;
    } else {
      current.notes.push(line);
    }
  }
  return attempts;
}
