import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { DESTINATIONS_USAGE } from './destinations-descriptor.js';
import { printJson } from './exit-code-of.js';
import { parseSubjectArgs, type SubjectAction } from './subject-args.js';

const SIMPLE = ['pause', 'resume', 'close', 'reset'] as const;

/** A parsed `taskrest destinations` command line. */
export type DestinationsAction = SubjectAction<(typeof SIMPLE)[number]>;

/** Parses the arguments after `destinations`; the origin and values are checked by the library. */
export function parseDestinationsArgs(args: readonly string[]): DestinationsAction {
  return parseSubjectArgs(args, 'destinations', SIMPLE, DESTINATIONS_USAGE);
}

/** `taskrest destinations …`: lists and manages destinations; prints JSON (one, or the list). */
export const destinationsCommand: Command = async (args, { config, stdout }) => {
  const parsed = parseDestinationsArgs(args);
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const { destinations } = producer;
    if (parsed.action === 'ls') printJson(stdout, await destinations.list());
    else if (parsed.action === 'set') {
      printJson(stdout, await destinations.set(parsed.name, parsed.settings));
    } else printJson(stdout, await destinations[parsed.action](parsed.name));
    return ExitCode.SUCCESS;
  } finally {
    await producer.close();
  }
};
