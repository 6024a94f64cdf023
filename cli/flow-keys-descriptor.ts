import type { CommandDescriptor, SubcommandForms } from './command-descriptor.js';
// A type only, erased from the build: the registry does not load the command.
import type { FlowKeysAction } from './flow-keys-command.js';

/** `taskrest flow-keys`' usage line, which its usage errors end with too. */
export const FLOW_KEYS_USAGE =
  'usage: taskrest flow-keys [ls] | set KEY [--rate N/SECONDS|none] [--concurrency N|none] | pause KEY | resume KEY | rm KEY';

/** `taskrest flow-keys` in the registry; the command is flow-keys-command.ts. */
export const flowKeysDescriptor: CommandDescriptor<'flow-keys'> = {
  name: 'flow-keys',
  summary: 'list flow keys; limit, pause, resume one or remove its settings (JSON out)',
  synopsis: {
    ls: 'flow-keys [ls]',
    set: 'flow-keys set KEY [--rate N/SECONDS] [--concurrency N]',
    pause: 'flow-keys pause KEY',
    resume: 'flow-keys resume KEY',
    rm: 'flow-keys rm KEY',
  } satisfies SubcommandForms<'flow-keys', FlowKeysAction['action']>,
  usage: `usage: taskrest flow-keys
       taskrest flow-keys set KEY [--rate N/SECONDS|none] [--concurrency N|none]
       taskrest flow-keys pause KEY | resume KEY | rm KEY

Lists the flow keys (the flow_key tasks were enqueued under in the last 24
hours, and those with limits) with their in flight and held counts, or
changes one: set its rate limit (at most N requests per SECONDS) and
concurrency (at most N in flight), across all queues and workers; none
removes one. pause holds its requests, resume lets them go, rm removes its
settings. Prints JSON.
Exit codes: 0 done, 1 failed, 2 usage or bad key or value.
`,
  load: async () => (await import('./flow-keys-command.js')).flowKeysCommand,
};
