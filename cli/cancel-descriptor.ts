import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest cancel`'s usage line, which is also its usage error. */
export const CANCEL_USAGE = 'usage: taskrest cancel ID [--queue NAME]';

/** `taskrest cancel` in the registry; the command is cancel-command.ts. */
export const cancelDescriptor: CommandDescriptor<'cancel'> = {
  name: 'cancel',
  summary: 'cancels an execution (a running one too); prints its state',
  synopsis: 'cancel ID [--queue NAME]',
  usage: `${CANCEL_USAGE}

Cancels the execution ID: a running one is aborted where it runs (within
2 s) and ends failed with message "cancelled", its log saying "cancelled by
cli"; one that has not started (waiting, delayed, prioritized, or parked
for a retry) is removed. Prints {"execution_id", "queue", "state"}, state
failed or removed (completed when it finished first). A callback execution
(callback!ID) is removed alone; a schedule's pending execution is refused
(remove the schedule: taskrest schedules rm ID).
Exit codes: 0 done, 1 already finished, a schedule's pending execution, or
it failed, 3 still active after 5 s (its worker died: the next worker to
take it up ends it), 4 no such execution.
`,
  load: async () => (await import('./cancel-command.js')).cancelCommand,
};
