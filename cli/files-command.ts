import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { coerceError } from '../shared/errors/coerce-error.js';
import { fileNameProblem } from '../shared/files/file-name.js';
import { createFilesStore, type FilesStore } from '../shared/files/files-store.js';
import { createRedis, waitForRedis } from '../shared/redis-connection.js';
import { ExitCode, type Command, type CommandContext } from './command.js';
import { exitCodeOfError } from './exit-code-of-error.js';
import { FILES_USAGE } from './files-descriptor.js';
import { UsageError } from './usage-error.js';

/** A parsed `taskrest files` command line. */
export type FilesAction =
  | { action: 'put'; name: string; path: string }
  | { action: 'get'; name: string }
  | { action: 'rm'; name: string }
  | { action: 'ls' };

/** Parses the arguments after `files`; throws a UsageError saying what is wrong. */
export function parseFilesArgs(args: readonly string[]): FilesAction {
  const [action, ...rest] = args;
  const expect = (count: number, what: string) => {
    if (rest.length !== count)
      throw new UsageError(`taskrest files ${action} takes ${what}\n${FILES_USAGE}`);
  };
  const name = () => {
    const problem = fileNameProblem(rest[0]);
    if (problem !== null)
      throw new UsageError(`invalid file name ${JSON.stringify(rest[0])}: ${problem}`);
    return rest[0]!;
  };
  switch (action) {
    case 'put':
      expect(2, 'NAME and PATH (- for stdin)');
      return { action, name: name(), path: rest[1]! };
    case 'get':
    case 'rm':
      expect(1, 'NAME');
      return { action, name: name() };
    case 'ls':
      expect(0, 'no arguments');
      return { action };
    default:
      throw new UsageError(
        action === undefined ? FILES_USAGE : `unknown files command: ${action}\n${FILES_USAGE}`,
      );
  }
}

/**
 * `taskrest files put NAME PATH` (PATH `-` reads stdin) prints `{"name","size"}`;
 * `files get NAME` writes the raw bytes to stdout; `files rm NAME`;
 * `files ls` prints one `{"name","size"}` JSON line per file.
 * Exit codes: 0 done, 1 no such file or it failed (message on stderr), 2 usage.
 */
export const filesCommand: Command = async (args, context) => {
  let parsed: FilesAction;
  try {
    parsed = parseFilesArgs(args);
  } catch (error) {
    context.stderr.write(`${coerceError(error).message}\n`);
    return ExitCode.USAGE;
  }
  const redis = createRedis(context.config, 'producer');
  // ioredis reports connection trouble as events; waitForRedis turns it into one error.
  redis.on('error', () => undefined);
  try {
    await waitForRedis(redis);
    return await run(parsed, createFilesStore(redis, context.config), context);
  } catch (error) {
    context.stderr.write(`taskrest files: ${coerceError(error).message}\n`);
    return exitCodeOfError(error);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
};

async function run(
  parsed: FilesAction,
  files: FilesStore,
  context: CommandContext,
): Promise<number> {
  const { stdout, stderr } = context;
  switch (parsed.action) {
    case 'put': {
      const source: Readable = parsed.path === '-' ? context.stdin : createReadStream(parsed.path);
      const { size } = await files.put(parsed.name, source);
      stdout.write(`${JSON.stringify({ name: parsed.name, size })}\n`);
      return ExitCode.SUCCESS;
    }
    case 'get': {
      if ((await files.size(parsed.name)) === null) {
        stderr.write(`no file ${JSON.stringify(parsed.name)} in the files resource\n`);
        return ExitCode.ERROR;
      }
      await pipeline(files.stream(parsed.name), stdout, { end: false });
      return ExitCode.SUCCESS;
    }
    case 'rm': {
      if (await files.delete(parsed.name)) return ExitCode.SUCCESS;
      stderr.write(`no file ${JSON.stringify(parsed.name)} in the files resource\n`);
      return ExitCode.ERROR;
    }
    case 'ls':
      for (const file of await files.list()) stdout.write(`${JSON.stringify(file)}\n`);
      return ExitCode.SUCCESS;
  }
}
