import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { parseExecutionArgs } from './execution-args.js';
import { printJson } from './exit-code-of.js';
import { RETRY_USAGE } from './retry-descriptor.js';

/**
 * `taskrest retry ID [--queue NAME]`: runs a failed execution again under
 * the same id, from the start. Prints `{"execution_id", "queue", "state"}`.
 * Exit 0 done, 1 not failed (or it failed), 4 no such execution.
 */
export const retryCommand: Command = async (args, { config, stdout }) => {
  const { id, queue } = parseExecutionArgs(args, RETRY_USAGE);
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const replayed = await producer.retry(id, queue === undefined ? {} : { queue });
    printJson(stdout, {
      execution_id: replayed.executionId,
      queue: replayed.queue,
      state: replayed.state,
    });
    return ExitCode.SUCCESS;
  } finally {
    await producer.close();
  }
};
