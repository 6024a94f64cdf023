import type { CommandDescriptor, SubcommandForms } from './command-descriptor.js';
// A type only, erased from the build: the registry does not load the command.
import type { QueuesAction } from './queues-command.js';

/** `taskrest queues`' usage line, which its usage errors end with too. */
export const QUEUES_USAGE =
  'usage: taskrest queues [ls] | set NAME [--rate N/SECONDS|none] [--concurrency N|none] | pause NAME | resume NAME | rm NAME [--force]';

/** `taskrest queues` in the registry; the command is queues-command.ts. */
export const queuesDescriptor: CommandDescriptor<'queues'> = {
  name: 'queues',
  summary: 'list and manage queues (JSON out)',
  synopsis: {
    ls: 'queues [ls]',
    set: 'queues set NAME [--rate N/SECONDS] [--concurrency N]',
    pause: 'queues pause NAME',
    resume: 'queues resume NAME',
    rm: 'queues rm NAME [--force]',
  } satisfies SubcommandForms<'queues', QueuesAction['action']>,
  usage: `usage: taskrest queues
       taskrest queues set NAME [--rate N/SECONDS|none] [--concurrency N|none]
       taskrest queues pause NAME | resume NAME | rm NAME [--force]

Lists the queues, or creates or changes one (rate limit: at most N
executions start per SECONDS; concurrency: at most N run at once; both
across all workers), pauses, resumes or removes it (refused while
executions remain, unless --force). Prints JSON.
Exit codes: 0 done, 1 failed (no such queue, not empty), 2 usage or bad value.
`,
  load: async () => (await import('./queues-command.js')).queuesCommand,
};
