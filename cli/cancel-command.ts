import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { parseExecutionArgs } from './execution-args.js';
import { printJson } from './exit-code-of.js';
import { CANCEL_USAGE } from './cancel-descriptor.js';

/**
 * `taskrest cancel ID [--queue NAME]`: a running execution is aborted where
 * it runs and ends failed (`cancelled`, its log saying `cli`); one that has
 * not started is removed. Prints `{"execution_id", "queue", "state"}`.
 * Exit 0 done, 1 already finished, a schedule's pending execution (the
 * message says to remove the schedule), or it failed, 3 still active after
 * 5 s (its worker died; the next worker ends it), 4 no such execution.
 */
export const cancelCommand: Command = async (args, { config, stdout }) => {
  const { id, queue } = parseExecutionArgs(args, CANCEL_USAGE);
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const cancelled = await producer.cancel(id, {
      ...(queue === undefined ? {} : { queue }),
      by: 'cli',
    });
    printJson(stdout, {
      execution_id: cancelled.executionId,
      queue: cancelled.queue,
      state: cancelled.state,
    });
    return cancelled.state === 'active' ? ExitCode.NOT_FINISHED : ExitCode.SUCCESS;
  } finally {
    await producer.close();
  }
};
