import { ENQUEUE_USAGE } from './enqueue-args.js';
import { SCHEDULES_USAGE } from './schedules-args.js';

/** `taskrest files`' usage line. */
export const FILES_USAGE = 'usage: taskrest files put NAME PATH|- | get NAME | rm NAME | ls';

/** The exit codes, as the usage text lists them. */
const EXIT_CODES =
  'Exit codes of enqueue --wait and status: 0 success, 1 error, 2 invalid task or usage, 3 not finished, 4 no such execution.';

/** `taskrest --help`. */
export const USAGE = `usage: taskrest <command>   (taskrest <command> --help for its own)

  dev                      API + dashboard + one worker in one process (npm start)
  worker                   one worker process; scale by starting more
  api                      the HTTP API, dashboard and metrics on HOST:PORT
  enqueue [FILE|-] [--json TEXT] [--wait [SECONDS]]
                           enqueue one task; prints {"execution_id": …} or, with --wait, the output
  status ID [--queue NAME]  prints {"execution_id", "queue", "state", "output"?}
  cancel ID [--queue NAME]  cancels an execution (a running one too); prints its state
  retry ID [--queue NAME]   runs a failed execution again under the same id
  queues [set NAME [--rate N/SECONDS] [--concurrency N] | pause NAME | resume NAME | rm NAME]
                           list and manage queues (JSON out)
  schedules [set ID (--cron EXPR [--tz ZONE] | --every SECONDS) [--queue NAME] TASK | rm ID]
                           list and manage schedules: recurring enqueues of one task (JSON out)
  files put NAME PATH | get NAME | rm NAME | ls
                           the files resource (multipart file parts)
  --version                prints the version

${EXIT_CODES}
Configuration comes from the environment: see docs/configuration.md.
`;

/** `taskrest COMMAND --help`, one per command. */
export const COMMAND_USAGE: Record<string, string> = {
  dev: `usage: taskrest dev

A worker, the HTTP API and the dashboard in one process on HOST:PORT, for
trying taskrest out. Starts a private throwaway redis-server when none
answers at REDIS_URL. Stop with Ctrl-C.
`,
  worker: `usage: taskrest worker

One worker process: takes tasks from the queues (TASKREST_QUEUES, or every
queue, new ones found within 5 s) and runs them, WORKER_CONCURRENCY at a
time, shared evenly between the queues. Scale by starting more.
SIGTERM or SIGINT: lets running tasks finish, then exits 0.
`,
  api: `usage: taskrest api

The HTTP API (/api), the dashboard (/dashboard) and the metrics (/metrics)
on HOST:PORT. On a HOST that is not loopback, API_TOKENS, DASHBOARD_USER
and DASHBOARD_PASSWORD must be set.
`,
  enqueue: `${ENQUEUE_USAGE}

Validates and enqueues one task, read from FILE, stdin (-) or --json TEXT.
Prints {"execution_id": …}; with --wait, waits (at most SECONDS) and prints
the output. With --callback URL, the signed result is POSTed to URL once the
execution ended (see docs/callbacks.md).
${EXIT_CODES}
`,
  status: `usage: taskrest status ID [--queue NAME]

Prints {"execution_id", "queue", "state", "output"?} of the execution ID
(of the default queue, TASKREST_QUEUE, without --queue).
${EXIT_CODES}
`,
  cancel: `usage: taskrest cancel ID [--queue NAME]

Cancels the execution ID: a running one is aborted where it runs (within
2 s) and ends failed with message "cancelled", its log saying "cancelled by
cli"; one that has not started (waiting, delayed, prioritized, or parked
for a retry) is removed. Prints {"execution_id", "queue", "state"}, state
failed or removed (completed when it finished first).
Exit codes: 0 done, 1 already finished or it failed, 3 still active after
5 s (its worker died: the next worker to take it up ends it), 4 no such
execution.
`,
  retry: `usage: taskrest retry ID [--queue NAME]

Runs the failed execution ID again under the same id, from the start (a
new retry deadline, attempts from 1, its earlier output replaced). Prints
{"execution_id", "queue", "state"}.
Exit codes: 0 done, 1 not failed or it failed, 4 no such execution.
`,
  queues: `usage: taskrest queues
       taskrest queues set NAME [--rate N/SECONDS|none] [--concurrency N|none]
       taskrest queues pause NAME | resume NAME | rm NAME [--force]

Lists the queues, or creates or changes one (rate limit: at most N
executions start per SECONDS; concurrency: at most N run at once; both
across all workers), pauses, resumes or removes it (refused while
executions remain, unless --force). Prints JSON.
Exit codes: 0 done, 1 failed (no such queue, not empty), 2 usage or bad value.
`,
  schedules: `${SCHEDULES_USAGE}

Lists the schedules of every queue, shows one with its last executions,
creates or replaces one, or removes one. A schedule enqueues its task on
its queue (default TASKREST_QUEUE) by a cron expression (5 fields, or 6
with seconds first; --tz an IANA zone, default UTC) or every SECONDS; it
starts no run before --start-at or after --end-at (ISO times), and at most
--limit runs. TASK is a file, - (stdin) or --json TEXT, checked as enqueue
checks it. Prints JSON.
Exit codes: 0 done, 1 failed (no such schedule), 2 usage, bad value or invalid task.
`,
  files: `${FILES_USAGE}

The files resource that multipart file parts name. put prints
{"name", "size"} (PATH - reads stdin); get writes the bytes to stdout;
ls prints one {"name", "size"} line per file.
Exit codes: 0 done, 1 no such file or it failed, 2 usage.
`,
};

/** True when the arguments ask for help (`--help` or `-h`). */
export function asksForHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
