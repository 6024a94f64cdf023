import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { ExitCode, type Command } from './command.js';
import { printJson } from './exit-code-of.js';
import { FLOW_KEYS_USAGE } from './flow-keys-descriptor.js';
import { parseSubjectArgs, type SubjectAction } from './subject-args.js';

const SIMPLE = ['pause', 'resume', 'rm'] as const;

/** A parsed `taskrest flow-keys` command line. */
export type FlowKeysAction = SubjectAction<(typeof SIMPLE)[number]>;

/** Parses the arguments after `flow-keys`; the key and values are checked by the library. */
export function parseFlowKeysArgs(args: readonly string[]): FlowKeysAction {
  return parseSubjectArgs(args, 'flow-keys', SIMPLE, FLOW_KEYS_USAGE);
}

/** `taskrest flow-keys …`: lists and manages flow keys; prints JSON (one, or the list). */
export const flowKeysCommand: Command = async (args, { config, stdout }) => {
  const parsed = parseFlowKeysArgs(args);
  const producer = new TaskProducer(producerOptionsOf(config));
  try {
    const { flowKeys } = producer;
    switch (parsed.action) {
      case 'ls':
        printJson(stdout, await flowKeys.list());
        break;
      case 'set':
        printJson(stdout, await flowKeys.set(parsed.name, parsed.settings));
        break;
      case 'rm':
        printJson(stdout, await flowKeys.reset(parsed.name));
        break;
      default:
        printJson(stdout, await flowKeys[parsed.action](parsed.name));
    }
    return ExitCode.SUCCESS;
  } finally {
    await producer.close();
  }
};
