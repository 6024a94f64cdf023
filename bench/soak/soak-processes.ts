/**
 * The processes a soak runs and faults: its redis-server (AOF on, so that it
 * can be stopped and started again from its AOF on the same port), the
 * built CLI's `taskrest worker` and `taskrest api`, and the target.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  startRedisServer,
  type RedisServerProcess,
} from '../../shared/redis-server-process.js';

const CLI = fileURLToPath(new URL('../../bundle/taskrest.js', import.meta.url));
const TARGET = fileURLToPath(new URL('./soak-target.js', import.meta.url));
const TAIL_LINES = 30;

/** Resident set size of a process in MiB (Linux /proc VmRSS), or undefined when it is gone. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** A node process of the soak, with the last lines of its output kept for a failure message. */
export class SoakProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  readonly #exited: Promise<void>;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts `node script args` with `env` added; resolves with the first output line matching `ready`. */
  static async start(
    name: string,
    script: string,
    args: string[],
    env: Record<string, string>,
    ready: RegExp,
  ): Promise<{ process: SoakProcess; match: RegExpExecArray }> {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new SoakProcess(name, child);
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} not ready:\n${proc.tail()}`)),
        30_000,
      );
      const onLine = (line: string) => {
        const found = ready.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      proc.#follow(child.stdout, onLine);
      proc.#follow(child.stderr, onLine);
      child.once('exit', (code) => reject(new Error(`${name} exited ${code}:\n${proc.tail()}`)));
    });
    return { process: proc, match };
  }

  #follow(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        // A bounded tail: a soak must not grow its own memory with the logs it reads.
        this.#tail.push(line);
        if (this.#tail.length > TAIL_LINES) this.#tail.shift();
        onLine(line);
      }
    });
  }

  get pid(): number | undefined {
    return this.#child.exitCode === null && this.#child.signalCode === null
      ? this.#child.pid
      : undefined;
  }

  /** The last lines it wrote. */
  tail(): string {
    return this.#tail.join('\n');
  }

  /** kill -9, and wait for it to be gone. */
  async kill9(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, SIGKILL after `graceMs`; waits for it to exit. */
  async stop(graceMs = 40_000): Promise<void> {
    if (this.pid === undefined) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** Starts `taskrest worker`; resolves once its health port is logged. */
export async function startWorker(name: string, env: Record<string, string>): Promise<SoakProcess> {
  const ready = /"msg":"worker started"/;
  return (await SoakProcess.start(name, CLI, ['worker'], env, ready)).process;
}

/** Starts `taskrest api` on a free port; resolves with it and its base URL. */
export async function startApi(
  env: Record<string, string>,
): Promise<{ api: SoakProcess; url: string }> {
  const port = await freePort();
  const started = await SoakProcess.start(
    'api',
    CLI,
    ['api'],
    { ...env, HOST: '127.0.0.1', PORT: String(port) },
    /"api started"/,
  );
  return { api: started.process, url: `http://127.0.0.1:${port}` };
}

/** Starts the target process, counting up to `capacity` tasks; resolves with its two base URLs. */
export async function startTarget(capacity: number): Promise<{
  target: SoakProcess;
  url: string;
  circuitUrl: string;
}> {
  const { process: target, match } = await SoakProcess.start(
    'target',
    TARGET,
    [String(capacity)],
    {},
    /^\{"port":(\d+),"circuitPort":(\d+)\}$/,
  );
  return {
    target,
    url: `http://127.0.0.1:${match[1]}`,
    circuitUrl: `http://127.0.0.1:${match[2]}`,
  };
}

/** The soak's redis-server, which it can stop and start again from its AOF on the same port. */
export class SoakRedis {
  readonly url: string;
  readonly #port: number;
  readonly #args: string[];
  #server: RedisServerProcess;

  private constructor(server: RedisServerProcess, args: string[]) {
    this.#server = server;
    this.#port = server.port;
    this.#args = args;
    this.url = server.url;
  }

  /** Starts redis-server with AOF (appendfsync everysec) in `dir`, noeviction, on a free port. */
  static async start(dir: string): Promise<SoakRedis> {
    const args = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir];
    args.push('--maxmemory-policy', 'noeviction');
    const server = await startRedisServer({ port: await freePort(), args });
    return new SoakRedis(server, args);
  }

  get pid(): number | undefined {
    return this.#server.child.pid;
  }

  /** Stops the server (SIGTERM: it writes its AOF and exits) and starts it again on the same port and dir. */
  async restart(downMs: number): Promise<void> {
    await this.#server.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.#server = await startRedisServer({ port: this.#port, args: this.#args });
  }

  async stop(): Promise<void> {
    await this.#server.stop();
  }
}
