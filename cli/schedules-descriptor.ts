import type { CommandDescriptor, SubcommandForms } from './command-descriptor.js';
import type { SchedulesAction } from './schedules-args.js';

/** `taskrest schedules`' usage line, which its usage errors end with too. */
export const SCHEDULES_USAGE =
  'usage: taskrest schedules [ls] | get ID | rm ID | set ID (--cron EXPR [--tz ZONE] | --every SECONDS) [--queue NAME] [--start-at ISO] [--end-at ISO] [--limit N] [TASK|-] [--json TEXT]';

/** `taskrest schedules` in the registry; the command is schedules-command.ts. */
export const schedulesDescriptor: CommandDescriptor<'schedules'> = {
  name: 'schedules',
  summary: 'list and manage schedules: recurring enqueues of one task (JSON out)',
  synopsis: {
    ls: 'schedules [ls]',
    get: 'schedules get ID',
    set: 'schedules set ID (--cron EXPR [--tz ZONE] | --every SECONDS) [--queue NAME] TASK',
    rm: 'schedules rm ID',
  } satisfies SubcommandForms<'schedules', SchedulesAction['action']>,
  usage: `${SCHEDULES_USAGE}

Lists the schedules of every queue, shows one with its last executions,
creates or replaces one, or removes one. A schedule enqueues its task on
its queue (default TASKREST_QUEUE) by a cron expression (5 fields, or 6
with seconds first; --tz an IANA zone, default UTC) or every SECONDS; it
starts no run before --start-at or after --end-at (ISO times), and at most
--limit runs. TASK is a file, - (stdin) or --json TEXT, checked as enqueue
checks it. Prints JSON.
Exit codes: 0 done, 1 failed (no such schedule), 2 usage, bad value or invalid task.
`,
  load: async () => (await import('./schedules-command.js')).schedulesCommand,
};
