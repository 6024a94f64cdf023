import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CLI } from './run-cli.js';

/** What one command of a session printed (stdout and stderr as a terminal shows them, in order). */
export interface StepOutput {
  readonly command: string;
  readonly printed: string;
}

/** Where and how a session runs. */
export interface RunSessionOptions {
  /** The environment of the shell (REDIS_URL, TASKREST_PREFIX, …). */
  readonly env: Record<string, string>;
  /** The working directory of the shell. */
  readonly cwd: string;
  /** The whole session must end within this. @defaultValue 60000 ms */
  readonly timeoutMs?: number;
}

/**
 * Runs a session's commands in order in one bash, as a reader types them at
 * one prompt: `$?` and `${PIPESTATUS[…]}` of a command are there for the
 * next one, and `taskrest` (or `npx taskrest`) is the built command, `node
 * dist/bundle/taskrest.js`. stderr goes where stdout goes, so the two interleave
 * as on a terminal. Resolves with what each command printed.
 */
export function runSession(
  commands: readonly string[],
  { env, cwd, timeoutMs = 60_000 }: RunSessionOptions,
): Promise<StepOutput[]> {
  // A line no command prints: it separates one command's output from the next.
  const separator = `--- end of command ${randomUUID()} ---`;
  const script = [
    'exec 2>&1',
    `taskrest() { node ${JSON.stringify(CLI)} "$@"; }`,
    // Keeps the command's status for the next one's `$?`.
    `__step_end() { local status=$?; printf '\\n%s\\n' '${separator}'; return $status; }`,
    ...commands.flatMap((command) => [
      command.replace(/\bnpx taskrest\b/g, 'taskrest'),
      '__step_end',
    ]),
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', script], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const timer = setTimeout(() => {
      // The shell and whatever it started: it leads a process group of its own.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(
        new Error(`the session did not end within ${timeoutMs} ms; printed so far:\n${printed}`),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', () => {
      clearTimeout(timer);
      const outputs = printed.split(`\n${separator}\n`);
      resolve(commands.map((command, index) => ({ command, printed: outputs[index] ?? '' })));
    });
  });
}
