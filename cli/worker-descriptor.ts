import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest worker` in the registry; the command is worker-command.ts. */
export const workerDescriptor: CommandDescriptor<'worker'> = {
  name: 'worker',
  summary: 'one worker process; scale by starting more',
  synopsis: 'worker',
  usage: `usage: taskrest worker

One worker process: takes tasks from the queues (TASKREST_QUEUES, or every
queue, new ones found within 5 s) and runs them, WORKER_CONCURRENCY at a
time: one pool the queues share by the work they have waiting, each keeping
one slot. Scale by starting more.
SIGTERM or SIGINT: lets running tasks finish (it logs which, and each as it
ends), hands back those the grace period cuts off, then exits 0.
`,
  load: async () => (await import('./worker-command.js')).workerCommand,
};
