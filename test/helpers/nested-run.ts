import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin } from '../prerequisites.mjs';

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const FIXTURE_CONFIG = 'test/fixtures/test-setup/vitest.config.ts';

/** A vitest run of the test-setup fixture, in a process of its own. */
export interface NestedRun {
  readonly child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Its exit code, or 128 + the signal's number. */
  readonly exited: Promise<number>;
}

/**
 * Starts `vitest run` on the fixture through the suite's global setup, with
 * `env` over this process's environment (less vitest's own variables, which
 * belong to this run).
 */
export function startNestedRun(env: Record<string, string>): NestedRun {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')),
  );
  const child = spawn(process.execPath, [VITEST, 'run', '--config', FIXTURE_CONFIG], {
    cwd: ROOT,
    env: { ...base, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal))),
  );
  return { child, output: () => output, exited };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 9;
}

/** The private Redis a run said it started: its URL, port and pid. */
export function startedRedis(output: string): { url: string; port: number; pid: number }[] {
  const said = /started a private redis-server at (redis:\/\/127\.0\.0\.1:(\d+)) \(pid (\d+)\)/g;
  return [...output.matchAll(said)].map((m) => ({
    url: m[1] ?? '',
    port: Number(m[2]),
    pid: Number(m[3]),
  }));
}

/** The throwaway PostgreSQL cluster a run said it started: its port and directory. */
export function startedPostgres(output: string): { port: number; dir: string }[] {
  const said =
    /started a throwaway cluster at postgres:\/\/postgres@127\.0\.0\.1:(\d+) \(data in (\S+)\)/g;
  return [...output.matchAll(said)].map((m) => ({ port: Number(m[1]), dir: m[2] ?? '' }));
}

/** Whether `pid` is a live process (a zombie is not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Kills what a run left behind, whatever happened to it: the run itself,
 * the Redis servers and the PostgreSQL clusters it said it started.
 */
export async function cleanUpNestedRun(run: NestedRun | undefined): Promise<void> {
  if (!run) return;
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGKILL');
    await run.exited;
  }
  for (const { pid } of startedRedis(run.output())) {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  for (const { dir } of startedPostgres(run.output())) {
    const bin = findPostgresBin();
    if (bin && existsSync(join(dir, 'data', 'postmaster.pid'))) {
      const stop = [join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', 'stop'];
      if (process.getuid?.() === 0) spawnSync('runuser', ['-u', 'postgres', '--', ...stop]);
      else spawnSync(stop[0] ?? '', stop.slice(1));
    }
    await rm(dir, { recursive: true, force: true });
  }
}
