import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { UsageError } from './usage-error.js';
import { exitCodeOf, printJson } from './exit-code-of.js';

/** `taskrest status ID`: prints `{"execution_id", "state", "output"?}`. */
export const statusCommand: Command = async (args, { config, stdout, stderr }) => {
  const [id, ...rest] = args;
  if (!id || rest.length > 0) throw new UsageError('usage: taskrest status ID');
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const execution = await producer.getExecution(id);
    if (!execution) {
      stderr.write(`no execution ${id}\n`);
      return ExitCode.USAGE;
    }
    printJson(stdout, execution);
    return exitCodeOf(execution);
  } finally {
    await producer.close();
  }
};
