import type { CommandDescriptor, SubcommandForms } from './command-descriptor.js';
// A type only, erased from the build: the registry does not load the command.
import type { DestinationsAction } from './destinations-command.js';

/** `taskrest destinations`' usage line, which its usage errors end with too. */
export const DESTINATIONS_USAGE =
  'usage: taskrest destinations [ls] | set ORIGIN [--rate N/SECONDS|none] [--concurrency N|none] | pause ORIGIN | resume ORIGIN | close ORIGIN | reset ORIGIN';

/** `taskrest destinations` in the registry; the command is destinations-command.ts. */
export const destinationsDescriptor: CommandDescriptor<'destinations'> = {
  name: 'destinations',
  summary: 'list destinations with their circuit and holds; limit, pause, close (JSON out)',
  synopsis: {
    ls: 'destinations [ls]',
    set: 'destinations set ORIGIN [--rate N/SECONDS] [--concurrency N]',
    pause: 'destinations pause ORIGIN',
    resume: 'destinations resume ORIGIN',
    close: 'destinations close ORIGIN',
    reset: 'destinations reset ORIGIN',
  } satisfies SubcommandForms<'destinations', DestinationsAction['action']>,
  usage: `usage: taskrest destinations
       taskrest destinations set ORIGIN [--rate N/SECONDS|none] [--concurrency N|none]
       taskrest destinations pause ORIGIN | resume ORIGIN | close ORIGIN | reset ORIGIN

Lists the destinations (origins requests went to in the last 24 hours, and
those with limits) with their circuit, holds, in flight and held counts, or
changes one: ORIGIN is scheme://host[:port] (https://api.example.com).
set: rate limit (at most N requests per SECONDS) and concurrency (at most N
in flight), across all workers; none removes one. pause holds its requests,
resume lets them go, close forces its circuit closed, reset removes every
limit and clears the circuit, holds and learned rate. Prints JSON.
Exit codes: 0 done, 1 failed, 2 usage or bad origin or value.
`,
  load: async () => (await import('./destinations-command.js')).destinationsCommand,
};
