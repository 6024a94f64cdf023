import { apiDescriptor } from './api-descriptor.js';
import { cancelDescriptor } from './cancel-descriptor.js';
import type { CommandDescriptor } from './command-descriptor.js';
import { destinationsDescriptor } from './destinations-descriptor.js';
import { devDescriptor } from './dev-descriptor.js';
import { enqueueDescriptor } from './enqueue-descriptor.js';
import { filesDescriptor } from './files-descriptor.js';
import { flowKeysDescriptor } from './flow-keys-descriptor.js';
import { lsDescriptor } from './ls-descriptor.js';
import { queuesDescriptor } from './queues-descriptor.js';
import { recorderDescriptor } from './recorder-descriptor.js';
import { retryDescriptor } from './retry-descriptor.js';
import { schedulesDescriptor } from './schedules-descriptor.js';
import { statusDescriptor } from './status-descriptor.js';
import { workerDescriptor } from './worker-descriptor.js';

/**
 * Every `taskrest` command, in the order `taskrest --help` lists them: the
 * one list the dispatcher (main.ts) and both helps read.
 *
 * The registry holds descriptors, not the commands' modules. A command's
 * module imports what it runs at its top (the worker, the web framework and
 * the dashboard, the producer); listing those modules here would load all of
 * them in every process, so a worker would load the API's web stack and the
 * API the worker, at a cost in start-up time and resident memory. A
 * descriptor is a small module of words with a `load` that imports its
 * command only when it is the one to run.
 */
export const COMMANDS = [
  devDescriptor,
  workerDescriptor,
  apiDescriptor,
  recorderDescriptor,
  enqueueDescriptor,
  statusDescriptor,
  lsDescriptor,
  cancelDescriptor,
  retryDescriptor,
  queuesDescriptor,
  schedulesDescriptor,
  destinationsDescriptor,
  flowKeysDescriptor,
  filesDescriptor,
] as const satisfies readonly CommandDescriptor[];

/** The command named `name`, or undefined when taskrest has none. */
export function findCommand(name: string): CommandDescriptor | undefined {
  return COMMANDS.find((command) => command.name === name);
}
