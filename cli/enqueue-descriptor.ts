import { EXIT_CODES_HELP } from './command.js';
import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest enqueue`'s usage line, which its usage errors end with too. */
export const ENQUEUE_USAGE =
  'usage: taskrest enqueue [FILE|-] [--json TEXT] [--wait [SECONDS]] [--queue NAME] [--job-id ID] [--priority N] [--delay SECONDS | --run-at TIME] [--user NAME] [--callback URL] [--flow-key KEY]';

/** `taskrest enqueue` in the registry; the command is enqueue-command.ts. */
export const enqueueDescriptor: CommandDescriptor<'enqueue'> = {
  name: 'enqueue',
  summary: 'enqueue one task; prints {"execution_id": …} or, with --wait, the output',
  synopsis: 'enqueue [FILE|-] [--json TEXT] [--wait [SECONDS]]',
  usage: `${ENQUEUE_USAGE}

Validates and enqueues one task, read from FILE, stdin (-) or --json TEXT.
Prints {"execution_id": …}; with --wait, waits (at most SECONDS) and prints
the output. A --job-id that names an execution already enqueues nothing: it
prints that execution with "state" and "duplicate": true (and a line on
stderr). With --callback URL, the signed result is POSTed to URL once the
execution ended (see docs/callbacks.md). --flow-key KEY enqueues it under
that flow key (a tenant, an API account), kept in its history record.
${EXIT_CODES_HELP}
`,
  load: async () => (await import('./enqueue-command.js')).enqueueCommand,
};
