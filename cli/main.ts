import { loadConfig } from '../shared/config.js';
import { ExitCode } from './command.js';
import type { CommandDescriptor } from './command-descriptor.js';
import { COMMANDS, findCommand } from './commands.js';
import { describeError, exitCodeOfError } from './exit-code-of-error.js';
import { asksForHelp, generalHelp } from './general-help.js';
import { taskrestVersion } from './version.js';

/**
 * `taskrest ARGV`: prints the general help, the version or a command's own
 * usage, or runs the command. Resolves to the process exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(generalHelp(COMMANDS));
    return name === undefined ? ExitCode.USAGE : ExitCode.SUCCESS;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${taskrestVersion()}\n`);
    return ExitCode.SUCCESS;
  }
  const command = findCommand(name);
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${generalHelp(COMMANDS)}`);
    return ExitCode.USAGE;
  }
  if (asksForHelp(args)) {
    process.stdout.write(command.usage);
    return ExitCode.SUCCESS;
  }
  return run(command, args);
}

/**
 * Loads the command and runs it with the process's configuration and
 * streams; SIGINT and SIGTERM abort its signal.
 */
async function run(command: CommandDescriptor, args: readonly string[]): Promise<number> {
  const controller = new AbortController();
  // Listening for the command's whole life, not once: a signal repeated while
  // it stops (a second Ctrl-C) must not kill it halfway through its clean-up,
  // which TASKREST_SHUTDOWN_GRACE_SECONDS already bounds.
  const stop = () => controller.abort();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
  try {
    const execute = await command.load();
    return await execute(args, {
      config: loadConfig(),
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
    });
  } catch (error) {
    // By the error's code: usage and configuration mistakes exit 2, anything else 1.
    process.stderr.write(`${describeError(error, command.name)}\n`);
    return exitCodeOfError(error);
  }
}
