/**
 * The soak's own PostgreSQL cluster for the history: initdb in a temporary
 * directory, pg_ctl on a free loopback port, restartable under the running
 * system. PostgreSQL refuses to run as root, so under root its programs run
 * as the `postgres` user (runuser).
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../shared/redis-server-process.js';

const run = promisify(execFile);
const BIN = process.env.SOAK_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** A private PostgreSQL cluster the soak started. */
export interface SoakPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth). */
  readonly url: string;
  /** `pg_ctl restart -m fast`: open connections are cut, the server comes back on the same port. */
  restart(): Promise<void>;
  /** Stops it and deletes its directory. */
  destroy(): Promise<void>;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** Creates and starts the cluster. */
export async function startSoakPostgres(): Promise<SoakPostgres> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'taskrest-soak-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = await postgresIds();
    await chown(dir, ids.uid, ids.gid);
  }
  const pg = (program: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, program), ...args])
      : run(join(BIN, program), args);
  const data = join(dir, 'data');
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`;
  const log = join(dir, 'log');
  await pg('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', 'start']);
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      await pg('pg_ctl', ['-D', data, '-o', options, '-l', log, '-m', 'fast', '-w', 'restart']);
    },
    async destroy() {
      if (running) await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => null);
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
