import { execFile, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findPostgresBin, lineFor, PREREQUISITES } from '../prerequisites.mjs';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** A PostgreSQL cluster owned by one test: for stopping and starting it under a running system. */
export interface OwnPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth). */
  readonly url: string;
  readonly port: number;
  /** The temporary directory holding its data, socket and log. */
  readonly dir: string;
  /** Stops the server (fast shutdown: open connections are cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
  /**
   * Stops it (immediate shutdown) and deletes its directory, synchronously:
   * for a process `exit` handler, where nothing asynchronous runs any more.
   */
  destroyNow(): void;
}

/**
 * Creates a private cluster with `initdb` in a temporary directory and
 * starts it on a free loopback port. PostgreSQL refuses to run as root, so
 * under root its programs run as the `postgres` user.
 */
export async function ownPostgres(): Promise<OwnPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(lineFor(PREREQUISITES.filter((p) => p.apt === 'postgresql-15')));
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'taskrest-pg-'));
  const asRoot = process.getuid?.() === 0;
  const pgUser = asRoot ? await postgresIds() : undefined;
  if (pgUser) await chown(dir, pgUser.uid, pgUser.gid);
  const command = (program: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]]
      : [join(bin, program), args];
  const pg = (program: string, args: string[]) => run(...command(program, args));
  const data = join(dir, 'data');
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  };
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async start() {
      await start();
      running = true;
    },
    async stop() {
      await stop();
      running = false;
    },
    async destroy() {
      if (running) await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
    destroyNow() {
      if (running) spawnSync(...command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']));
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
