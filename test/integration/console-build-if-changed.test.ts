import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  appendFile,
  cp,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(REPO, 'console', 'build-if-changed.mjs');

/** What one run of the script printed, and how it exited. */
interface Run {
  readonly code: number | null;
  readonly stdout: string;
}

/**
 * `npm start`'s console build (console/build-if-changed.mjs), in a copy of
 * what the console is built from: the real dist/ is never touched, so tests
 * that serve it run alongside. Vite really builds twice; every other step
 * only asks (--check) whether a build is due.
 */
describe('console/build-if-changed.mjs', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'taskrest-console-build-'));
    for (const part of ['console', 'shared', 'package.json', 'package-lock.json']) {
      await cp(join(REPO, part), join(root, part), { recursive: true });
    }
    await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function run(...flags: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [SCRIPT, '--root', root, ...flags], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
  }

  /** Changes `path` (relative to the copy) for the length of `during`, then puts it back. */
  async function changed(path: string, during: () => Promise<void>): Promise<void> {
    const file = join(root, path);
    const before = await readFile(file);
    await appendFile(file, '\n// changed by the test\n');
    try {
      await during();
    } finally {
      await writeFile(file, before);
    }
  }

  const built = () => join(root, 'dist', 'console', 'index.html');

  it('builds once, skips while nothing changed, and builds again when an input changes', async () => {
    expect(await run('--check')).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/no earlier build/),
    });
    expect(await run()).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/building dist\/console/),
    });
    const first = (await stat(built())).mtimeMs;

    expect(await run()).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/up to date, not built again/),
    });
    expect((await stat(built())).mtimeMs).toBe(first);

    // Only a file's content counts: a newer time alone (a git checkout) builds nothing.
    await utimes(join(root, 'console/src/main.tsx'), new Date(), new Date(Date.now() + 60_000));
    expect((await run('--check')).code).toBe(0);

    const due = async (path: string, reason: RegExp) =>
      changed(path, async () => {
        expect(await run('--check')).toMatchObject({
          code: 1,
          stdout: expect.stringMatching(reason),
        });
      });
    await due('console/src/app.tsx', /console\/src\/app\.tsx changed/);
    await due('console/vite.config.ts', /console\/vite\.config\.ts changed/);
    await due('console/tsconfig.json', /console\/tsconfig\.json changed/);
    await due('package-lock.json', /package-lock\.json changed/);
    // A type the console imports from shared/, and one that type imports in turn.
    await due('shared/output.ts', /shared\/output\.ts changed/);
    await due('shared/history/point-in-time.ts', /point-in-time\.ts changed/);
    // Put back as it was: up to date again.
    expect((await run('--check')).code).toBe(0);

    // What the console does not import changes nothing.
    await changed('shared/logger.ts', async () => {
      expect((await run('--check')).code).toBe(0);
    });

    await writeFile(join(root, 'console/src/extra.ts'), 'export const extra = 1;\n');
    expect((await run('--check')).stdout).toMatch(/console\/src\/extra\.ts is new/);
    await rm(join(root, 'console/src/extra.ts'));
    expect((await run('--check')).code).toBe(0);

    // An output gone (or the whole dist/) is a build due.
    await rm(built());
    expect((await run('--check')).stdout).toMatch(/dist\/console\/index\.html is missing/);
    await rm(join(root, 'dist'), { recursive: true });
    expect((await run('--check')).stdout).toMatch(/no earlier build/);

    await changed('console/src/app.tsx', async () => {
      expect(await run()).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/app\.tsx changed|no earlier build/),
      });
      expect(existsSync(built())).toBe(true);
      expect((await run()).stdout).toMatch(/up to date, not built again/);
    });
    // Back to the file the first build had: a build is due again (the output is of the edit).
    expect((await run('--check')).stdout).toMatch(/console\/src\/app\.tsx changed/);
  }, 180_000);

  it('--force builds whatever the stamp says', async () => {
    const stamp = join(root, 'dist', 'console-build.json');
    if (!existsSync(stamp)) expect((await run()).code).toBe(0);
    expect((await run('--force')).stdout).toMatch(/building dist\/console\/: asked to \(--force\)/);
    expect((await run('--check')).code).toBe(0);
  }, 120_000);
});
