import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));
const PAGE = readFileSync(new URL('../../docs/development.md', import.meta.url), 'utf8');

/** Every source file under test/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(?:ts|mts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/**
 * docs/development.md names every environment variable the tests read, so
 * that a variable added to the tests cannot go undocumented.
 */
describe('docs/development.md', () => {
  it('names every process.env variable the tests read', () => {
    const read = new Set(
      sources(TEST_DIR).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)].map(
          (m) => m[1] ?? '',
        ),
      ),
    );
    expect(read).toContain('REDIS_URL');
    const undocumented = [...read].filter((name) => !PAGE.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});
