import { EXIT_CODES_HELP } from './command.js';
import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest status`' usage line, which is also its usage error. */
export const STATUS_USAGE = 'usage: taskrest status ID [--queue NAME]';

/** `taskrest status` in the registry; the command is status-command.ts. */
export const statusDescriptor: CommandDescriptor<'status'> = {
  name: 'status',
  summary: 'prints {"execution_id", "queue", "state", "output"?}',
  synopsis: 'status ID [--queue NAME]',
  usage: `${STATUS_USAGE}

Prints {"execution_id", "queue", "state", "output"?} of the execution ID
(of the default queue, TASKREST_QUEUE, without --queue).
${EXIT_CODES_HELP}
`,
  load: async () => (await import('./status-command.js')).statusCommand,
};
