import { readFileSync } from 'node:fs';

/**
 * The version in taskrest's package.json. Looked for upwards from this file,
 * so that it is found from the sources (cli/) and the build (dist/cli/) alike.
 */
export function taskrestVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'taskrest' && manifest.version) return manifest.version;
    } catch {
      // Not there: try the next level up.
    }
  }
  return 'unknown';
}
