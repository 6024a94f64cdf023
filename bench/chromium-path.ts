import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The chromium the console bench drives: CHROMIUM when set, else the first
 * `chromium` on PATH (Debian's package, as the console's tests use).
 * Throws with what to install when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROMIUM) return env.CHROMIUM;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error('chromium not found on PATH: apt-get install chromium, or set CHROMIUM');
}
