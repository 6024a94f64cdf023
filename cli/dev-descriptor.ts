import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest dev` in the registry; the command is dev-command.ts. */
export const devDescriptor: CommandDescriptor<'dev'> = {
  name: 'dev',
  summary: 'API + dashboard + one worker in one process (npm start)',
  synopsis: 'dev',
  usage: `usage: taskrest dev

A worker, the HTTP API and the dashboard in one process on HOST:PORT, for
trying taskrest out. Starts a private throwaway redis-server when none
answers at REDIS_URL. Stop with Ctrl-C.
`,
  load: async () => (await import('./dev-command.js')).devCommand,
};
