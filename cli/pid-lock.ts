import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A lock held through a file holding the holder's process id. */
export interface PidLock {
  /** Removes the file (when it is still this process's). */
  release(): Promise<void>;
}

/**
 * Takes the lock of `file` for this process: creates it with our pid, or
 * takes it over when the process it names is gone (a `dev` that was
 * killed). Undefined when a live process holds it. An embedded database
 * folder belongs to one process at a time: a second `taskrest dev` in the
 * same folder must not open it.
 */
export async function takePidLock(file: string): Promise<PidLock | undefined> {
  await mkdir(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => releaseLock(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (isAlive(holder)) return undefined;
    await unlink(file).catch(() => undefined);
  }
  return undefined;
}

async function releaseLock(file: string): Promise<void> {
  const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (holder === process.pid) await unlink(file).catch(() => undefined);
}

/** Whether a process of that id runs (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
