import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest recorder` in the registry; the command is recorder-command.ts. */
export const recorderDescriptor: CommandDescriptor<'recorder'> = {
  name: 'recorder',
  summary: 'a history recorder alone: Redis streams into TASKREST_HISTORY_URL',
  synopsis: 'recorder',
  usage: `usage: taskrest recorder

Records the execution history: reads every queue's stream of ended
executions and writes them to the PostgreSQL at TASKREST_HISTORY_URL
(required), dropping records older than TASKREST_HISTORY_DAYS hourly. Run
as many as you like: each record is written once. \`taskrest api\` runs one
too when TASKREST_HISTORY_URL is set. SIGTERM/SIGINT: the batch in flight
is written, then it exits 0.
Exit codes: 0 stopped, 1 the history cannot be opened, 2 TASKREST_HISTORY_URL unset.
`,
  load: async () => (await import('./recorder-command.js')).recorderCommand,
};
