import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI } from './run-cli.js';

/** A long-running `taskrest` process (worker, dev, api) owned by a test. */
export interface TaskrestProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written to stderr and stdout so far. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects on timeout (READY_TIMEOUT_MS) or exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Where and how a `taskrest` process runs, beyond its environment. */
export interface StartOptions {
  /** Its working directory (`taskrest dev` keeps its history under it). @defaultValue the test's */
  readonly cwd?: string;
  /**
   * Runs it on a pseudo-terminal (util-linux `script`), stdout and stderr
   * both a TTY as in a person's terminal: `output()` is what the terminal
   * shows (CRLF line ends), and `stop('SIGINT')` types Ctrl-C.
   */
  readonly terminal?: boolean;
}

/** Whether util-linux `script` is here to give a process a terminal (`StartOptions.terminal`). */
/**
 * How long a started process may take to say it is ready. `taskrest dev`
 * loads the whole server and opens its embedded history store: a few CPU
 * seconds, which a 2-core machine running two test files at once can
 * stretch many times over.
 */
export const READY_TIMEOUT_MS = 60_000;

export const CAN_RUN_ON_TERMINAL = spawnSync('script', ['--version']).status === 0;

export function startTaskrest(
  args: string[],
  env: Record<string, string>,
  { cwd, terminal = false }: StartOptions = {},
): TaskrestProcess {
  const child = terminal
    ? // -q no banner, -f flush at once, -e its exit code, -c the command; the typescript file nowhere.
      // `exec`: the command replaces script's `sh -c`, as it would a person's shell on a terminal.
      // Without it dash stays its parent in the terminal's foreground group, catches the same
      // Ctrl-C and, once the command has exited, kills itself with SIGINT: exit 130 whatever
      // the command did.
      spawn(
        'script',
        ['-qfec', `exec ${[process.execPath, CLI, ...args].map(shellWord).join(' ')}`, '/dev/null'],
        {
          env,
          cwd,
          stdio: 'pipe',
        },
      )
    : spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: 'pipe' });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = READY_TIMEOUT_MS) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern} in:\n${text}`));
        }, timeoutMs);
        const onExit = () => {
          done();
          reject(new Error(`process exited while waiting for ${pattern}:\n${text}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      // On a terminal, Ctrl-C: the terminal sends SIGINT to the command it runs.
      if (terminal && signal === 'SIGINT') child.stdin.write('\x03');
      else child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A value as one word of `sh -c`. */
function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
