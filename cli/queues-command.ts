import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import type { QueueSettings } from '../shared/queue-settings.js';
import { ExitCode, type Command } from './command.js';
import { printJson } from './exit-code-of.js';
import { parseLimitFlags } from './limit-args.js';
import { QUEUES_USAGE } from './queues-descriptor.js';
import { UsageError } from './usage-error.js';

/** A parsed `taskrest queues` command line. */
export type QueuesAction =
  | { action: 'ls' }
  | { action: 'set'; name: string; settings: QueueSettings }
  | { action: 'pause' | 'resume'; name: string }
  | { action: 'rm'; name: string; force: boolean };

/**
 * Parses the arguments after `queues`. Values are checked by the library
 * (the one schema of queue settings), which names the bad field.
 */
export function parseQueuesArgs(args: readonly string[]): QueuesAction {
  const [action = 'ls', name, ...rest] = args;
  if (action === 'ls') {
    if (args.length > 1) throw new UsageError(QUEUES_USAGE);
    return { action };
  }
  if (name === undefined || name.startsWith('--')) {
    throw new UsageError(`taskrest queues ${action} takes NAME\n${QUEUES_USAGE}`);
  }
  if (action === 'pause' || action === 'resume') {
    if (rest.length > 0) throw new UsageError(QUEUES_USAGE);
    return { action, name };
  }
  if (action === 'rm') {
    if (rest.some((arg) => arg !== '--force')) throw new UsageError(QUEUES_USAGE);
    return { action, name, force: rest.includes('--force') };
  }
  if (action !== 'set') throw new UsageError(`unknown action ${action}\n${QUEUES_USAGE}`);
  return { action, name, settings: parseLimitFlags(rest, QUEUES_USAGE) };
}

/** `taskrest queues …`: lists and manages queues; prints JSON (the queue, or the list). */
export const queuesCommand: Command = async (args, { config, stdout }) => {
  const parsed = parseQueuesArgs(args);
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    switch (parsed.action) {
      case 'ls':
        printJson(stdout, await producer.queues.list());
        break;
      case 'set':
        printJson(stdout, await producer.queues.set(parsed.name, parsed.settings));
        break;
      case 'pause':
        printJson(stdout, await producer.queues.pause(parsed.name));
        break;
      case 'resume':
        printJson(stdout, await producer.queues.resume(parsed.name));
        break;
      case 'rm':
        await producer.queues.remove(parsed.name, { force: parsed.force });
        printJson(stdout, { name: parsed.name, removed: true });
        break;
    }
    return ExitCode.SUCCESS;
  } finally {
    await producer.close();
  }
};
