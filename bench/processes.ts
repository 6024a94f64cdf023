/** Worker processes the benchmark starts, and what it reads of them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('..', import.meta.url));

export interface BenchProcess {
  readonly child: ChildProcess;
  /** Peak resident set size so far, in bytes (Linux VmHWM). */
  peakRss(): number;
  /** User + system CPU time so far, in ms (Linux /proc). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Starts `node [nodeArgs] script` with `env`; resolves once its output matches `ready`. */
export async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: readonly string[] = [],
): Promise<BenchProcess> {
  // BENCH_NODE_ARGS: extra node flags for every process the bench starts (e.g. --cpu-prof).
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, ...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    cpuMs: () => processCpuMs(child.pid ?? 0),
    peakRss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What one clock tick of /proc's CPU times is worth, in ms (Linux USER_HZ: 100 a second). */
export const MS_PER_TICK = 10;

/** user + system CPU time of a process so far, in ms (Linux /proc/PID/stat). */
export function processCpuMs(pid: number): number {
  return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** user + system CPU time in ms of a process whose /proc/PID/stat reads `stat`. */
export function cpuMsOfStat(stat: string): number {
  // Fields after the command name (which may hold spaces) start after ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

/** Starts the target server process; resolves with its base URL. */
export async function startTarget(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [`${DIST}/bench/target-server.js`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`target exited ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** How many /bytes requests the target has served. */
export async function targetCount(url: string): Promise<number> {
  const res = await fetch(`${url}/__count`);
  return ((await res.json()) as { served: number }).served;
}
