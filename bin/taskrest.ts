#!/usr/bin/env node
/**
 * The `taskrest` command: a thin dispatcher to the subcommands.
 */
import { ExitCode, type Command } from '../cli/command.js';
import { describeError, exitCodeOfError } from '../cli/exit-code-of-error.js';
import { asksForHelp, COMMAND_USAGE, USAGE } from '../cli/usage.js';
import { taskrestVersion } from '../cli/version.js';
import { loadConfig } from '../shared/config.js';

// Loaded on demand: a worker process never loads the web framework and the
// dashboard (start-up time and resident memory), nor the API the worker.
const COMMANDS: Record<string, () => Promise<Command>> = {
  dev: async () => (await import('../cli/dev-command.js')).devCommand,
  worker: async () => (await import('../cli/worker-command.js')).workerCommand,
  api: async () => (await import('../cli/api-command.js')).apiCommand,
  enqueue: async () => (await import('../cli/enqueue-command.js')).enqueueCommand,
  status: async () => (await import('../cli/status-command.js')).statusCommand,
  cancel: async () => (await import('../cli/cancel-command.js')).cancelCommand,
  retry: async () => (await import('../cli/retry-command.js')).retryCommand,
  files: async () => (await import('../cli/files-command.js')).filesCommand,
  queues: async () => (await import('../cli/queues-command.js')).queuesCommand,
  schedules: async () => (await import('../cli/schedules-command.js')).schedulesCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? ExitCode.USAGE : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${taskrestVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`unknown command: ${name}\n\n${USAGE}`);
    return ExitCode.USAGE;
  }
  if (asksForHelp(args)) {
    process.stdout.write(COMMAND_USAGE[name] ?? USAGE);
    return 0;
  }
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => controller.abort());
  }
  try {
    const command = await load();
    return await command(args, {
      config: loadConfig(),
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
    });
  } catch (error) {
    // By the error's code: usage and configuration mistakes exit 2, anything else 1.
    process.stderr.write(`${describeError(error, name)}\n`);
    return exitCodeOfError(error);
  }
}

const code = await main(process.argv.slice(2));
// Let stdout drain, then exit even if a library left a handle open.
process.stdout.write('', () => process.exit(code));
