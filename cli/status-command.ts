import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { UsageError } from './usage-error.js';
import { exitCodeOf, printJson } from './exit-code-of.js';

/**
 * `taskrest status ID`: prints `{"execution_id", "state", "output"?}`; exit
 * code as `exitCodeOf`, 4 when there is no such execution.
 */
export const statusCommand: Command = async (args, { config, stdout, stderr }) => {
  const [id, ...rest] = args;
  if (!id || rest.length > 0) throw new UsageError('usage: taskrest status ID');
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const execution = await producer.getExecution(id);
    if (!execution) {
      stderr.write(`no such execution: ${id} (never enqueued, or removed by retention)\n`);
      return ExitCode.NO_SUCH_EXECUTION;
    }
    printJson(stdout, execution);
    return exitCodeOf(execution);
  } finally {
    await producer.close();
  }
};
