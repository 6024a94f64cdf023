import { InvalidTaskError } from '../shared/errors/invalid-task-error.js';
import { issueLines } from './issue-lines.js';
import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { exitCodeOf, printJson } from './exit-code-of.js';
import { exitCodeOfError } from './exit-code-of-error.js';
import { readTaskInput } from './read-task-input.js';
import { parseEnqueueArgs } from './enqueue-args.js';
import { watchProgress } from './wait-progress.js';

/**
 * `taskrest enqueue [FILE|-] [--json TEXT] [--wait [SECONDS]]`: validates and
 * enqueues one task. Prints `{"execution_id": …}`, or with `--wait` the output.
 * A `--job-id` that names an execution already stores nothing: stdout gets
 * that execution with `"duplicate": true` and its state, stderr a line.
 */
export const enqueueCommand: Command = async (args, { config, stdin, stdout, stderr }) => {
  const options = parseEnqueueArgs(args);
  const task = await readTaskInput(options, stdin);
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const { executionId, queue, state, duplicate } = await producer.enqueue(
      task as never,
      options.jobOptions,
    );
    // A known --job-id stored nothing: said on stderr for a person, in the JSON for a script.
    if (duplicate) {
      stderr.write(
        `taskrest enqueue: execution ${executionId} exists already (${state}): nothing new was enqueued\n`,
      );
    }
    if (options.waitSeconds === undefined) {
      printJson(
        stdout,
        duplicate
          ? { execution_id: executionId, queue, state, duplicate }
          : { execution_id: executionId, queue },
      );
      return ExitCode.SUCCESS;
    }
    // State changes for a person at a terminal; scripts get the plain JSON only.
    const progress = (stdout as { isTTY?: boolean }).isTTY
      ? watchProgress(producer, executionId, (line) => stderr.write(line), { queue })
      : undefined;
    const execution = await producer
      .waitForResult(executionId, {
        queue,
        timeoutMs: options.waitSeconds === Infinity ? 2 ** 31 - 1 : options.waitSeconds * 1000,
      })
      .finally(() => progress?.stop());
    if (!execution) throw new Error(`execution ${executionId} disappeared (removed by retention?)`);
    printJson(
      stdout,
      execution.output ?? {
        execution_id: execution.execution_id,
        queue: execution.queue,
        state: execution.state,
      },
    );
    return exitCodeOf(execution);
  } catch (error) {
    if (error instanceof InvalidTaskError) {
      stderr.write(issueLines('invalid task', error.issues));
      return exitCodeOfError(error);
    }
    // The dispatcher reports the rest by code (TASK_TOO_LARGE and usage: exit 2).
    throw error;
  } finally {
    await producer.close();
  }
};
