import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import type { TaskInput } from '../shared/task-schema.js';
import { InvalidScheduleError } from '../shared/errors/invalid-schedule-error.js';
import { issueLines } from './issue-lines.js';
import { ExitCode, type Command } from './command.js';
import { exitCodeOfError } from './exit-code-of-error.js';
import { printJson } from './exit-code-of.js';
import { readTaskInput } from './read-task-input.js';
import { parseSchedulesArgs } from './schedules-args.js';

/** `taskrest schedules …`: lists and manages schedules; prints JSON (the schedule, or the list). */
export const schedulesCommand: Command = async (args, { config, stdin, stdout, stderr }) => {
  const parsed = parseSchedulesArgs(args);
  const task =
    parsed.action === 'set'
      ? ((await readTaskInput(parsed.source, stdin)) as TaskInput)
      : undefined;
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    switch (parsed.action) {
      case 'ls':
        printJson(stdout, await producer.schedules.list());
        break;
      case 'get':
        printJson(stdout, await producer.schedules.get(parsed.id));
        break;
      case 'set':
        printJson(
          stdout,
          await producer.schedules.set(parsed.id, { ...parsed.options, task: task! }),
        );
        break;
      case 'rm':
        await producer.schedules.remove(parsed.id);
        printJson(stdout, { id: parsed.id, removed: true });
        break;
    }
    return ExitCode.SUCCESS;
  } catch (error) {
    if (error instanceof InvalidScheduleError) {
      // One bad field a line, as `enqueue` prints an invalid task.
      stderr.write(issueLines('invalid schedule', error.issues));
      return exitCodeOfError(error);
    }
    throw error;
  } finally {
    await producer.close();
  }
};
