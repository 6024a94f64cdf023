import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest retry`'s usage line, which is also its usage error. */
export const RETRY_USAGE = 'usage: taskrest retry ID [--queue NAME]';

/** `taskrest retry` in the registry; the command is retry-command.ts. */
export const retryDescriptor: CommandDescriptor<'retry'> = {
  name: 'retry',
  summary: 'runs a failed execution again under the same id',
  synopsis: 'retry ID [--queue NAME]',
  usage: `${RETRY_USAGE}

Runs the failed execution ID again under the same id, from the start (a
new retry deadline, attempts from 1, its earlier output replaced). Prints
{"execution_id", "queue", "state"}.
Exit codes: 0 done, 1 not failed or it failed, 4 no such execution.
`,
  load: async () => (await import('./retry-command.js')).retryCommand,
};
