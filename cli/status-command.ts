import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { parseExecutionArgs } from './execution-args.js';
import { exitCodeOf, printJson } from './exit-code-of.js';
import { STATUS_USAGE } from './status-descriptor.js';

/**
 * `taskrest status ID [--queue NAME]`: prints `{"execution_id", "state", "output"?}`; exit
 * code as `exitCodeOf`, 4 when there is no such execution.
 */
export const statusCommand: Command = async (args, { config, stdout, stderr }) => {
  const { id, queue } = parseExecutionArgs(args, STATUS_USAGE);
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const execution = await producer.getExecution(id, { queue });
    if (!execution) {
      const where = queue === undefined ? '' : ` in queue ${queue}`;
      stderr.write(`no such execution${where}: ${id} (never enqueued, or removed by retention)\n`);
      return ExitCode.NO_SUCH_EXECUTION;
    }
    printJson(stdout, execution);
    return exitCodeOf(execution);
  } finally {
    await producer.close();
  }
};
