import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest api` in the registry; the command is api-command.ts. */
export const apiDescriptor: CommandDescriptor<'api'> = {
  name: 'api',
  summary: 'the HTTP API, dashboard and metrics on HOST:PORT',
  synopsis: 'api',
  usage: `usage: taskrest api

The HTTP API (/api), the dashboard (/dashboard) and the metrics (/metrics)
on HOST:PORT. On a HOST that is not loopback, API_TOKENS, DASHBOARD_USER
and DASHBOARD_PASSWORD must be set.
`,
  load: async () => (await import('./api-command.js')).apiCommand,
};
