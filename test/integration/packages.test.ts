import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedTarget, type ScriptedTarget } from '../helpers/scripted-target.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';

/*
 * taskrest-client, as a service that only enqueues installs it: packed from
 * packages/taskrest-client (built by `npm run build`), installed with npm into
 * an empty project, and its library example run there against the real Redis
 * and a real worker of this repo.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLIENT = join(ROOT, 'packages', 'taskrest-client');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** What only the server needs: none of it may come with the client. */
const SERVER_ONLY = [
  'fastify',
  '@bull-board/api',
  '@bull-board/fastify',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/core',
  'pg',
  'pino',
  'axios',
  'undici',
  'taskrest',
];
const EXAMPLE_URL = 'https://api.example.com/orders';

interface Manifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
}

/** npm's environment without what the npm that may run vitest exported about its own run. */
function npmEnv(): NodeJS.ProcessEnv {
  const own = /^npm_(package|lifecycle)_|^npm_config_(workspaces?|include_workspace_root|prefix)$/i;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !own.test(name)));
}

/** Every package installed under `nodeModules` (scoped, nested), by name. */
async function installedPackages(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  const visit = async (dir: string, scope: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (!scope && entry.name.startsWith('@')) {
        await visit(path, `${entry.name}/`);
      } else if (existsSync(join(path, 'package.json'))) {
        names.push(scope + entry.name);
        await visit(join(path, 'node_modules'), '');
      }
    }
  };
  await visit(nodeModules, '');
  return names;
}

/** The packages the files under `dir` import (`import`, `export … from`, `import()`, d.ts included). */
async function importedPackages(dir: string): Promise<Set<string>> {
  const specifier = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"./][^'"]*)['"]/g;
  const packages = new Set<string>();
  for (const file of await readdir(dir, { recursive: true })) {
    if (!/\.(js|d\.ts)$/.test(file)) continue;
    for (const [, name] of (await readFile(join(dir, file), 'utf8')).matchAll(specifier)) {
      if (name!.startsWith('node:')) continue;
      const parts = name!.split('/');
      packages.add(name!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return packages;
}

/** The first ```ts block after `heading` (the page's first without one). */
function exampleOf(page: string, heading = ''): string {
  const block = /```ts\n([\s\S]*?)```/.exec(page.slice(page.indexOf(heading)));
  if (!block) throw new Error(`no ts block after "${heading}"`);
  return block[1]!;
}

describe('taskrest-client installed from its packed tarball', () => {
  let dir: string;
  let project: string;
  let packed: string[];

  beforeAll(async () => {
    expect(existsSync(join(CLIENT, 'dist', 'producer', 'index.js')), 'npm run build').toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'taskrest-client-'));
    const { stdout } = await run(
      NPM,
      ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
      { cwd: CLIENT, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 },
    );
    const [pack] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    packed = pack.files.map((f) => f.path);
    project = join(dir, 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'enqueues-only', private: true, type: 'module' }),
    );
    await run(
      NPM,
      ['install', join(dir, pack.filename), '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: project, env: npmEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
    );
  }, 150_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ships the library built from producer/ and shared/, nothing of the server', () => {
    for (const path of ['package.json', 'README.md', 'dist/producer/index.js']) {
      expect(packed, path).toContain(path);
    }
    expect(packed).toContain('dist/producer/index.d.ts');
    expect(packed).toContain('dist/shared/errors/index.js');
    const foreign = packed.filter(
      (f) =>
        !/^dist\/(producer|shared)\/.+\.(js|d\.ts)$/.test(f) &&
        !['package.json', 'README.md'].includes(f),
    );
    expect(foreign).toEqual([]);
    // Server-only parts of shared/ stay out: the logger (pino), the Redis it starts.
    expect(packed).not.toContain('dist/shared/logger.js');
    expect(packed).not.toContain('dist/shared/redis-server-process.js');
  });

  it('installs at most 40 packages in at most 30 MiB, none of the server', async () => {
    const nodeModules = join(project, 'node_modules');
    const installed = await installedPackages(nodeModules);
    expect(installed).toContain('taskrest-client');
    expect(installed).toContain('bullmq');
    expect(installed.length, installed.join(', ')).toBeLessThanOrEqual(40);
    expect(installed.filter((name) => SERVER_ONLY.includes(name))).toEqual([]);
    const { stdout } = await run('du', ['-sk', nodeModules]);
    expect(Number(stdout.split('\t')[0]) / 1024).toBeLessThanOrEqual(30);
  });

  it("depends on exactly what its files import, at the root's versions, with taskrest's version", async () => {
    const installedAt = join(project, 'node_modules', 'taskrest-client');
    const client = JSON.parse(
      await readFile(join(installedAt, 'package.json'), 'utf8'),
    ) as Manifest;
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Manifest;
    const imported = await importedPackages(join(installedAt, 'dist'));
    expect(Object.keys(client.dependencies).sort()).toEqual([...imported].sort());
    for (const [name, range] of Object.entries(client.dependencies)) {
      expect(range, name).toBe(root.dependencies[name]);
    }
    expect(client.version).toBe(root.version);
    expect(root.dependencies['taskrest-client']).toBe(client.version);
  });

  describe('its library example', () => {
    const config = testConfig();
    let target: ScriptedTarget;
    let worker: WorkerProcess;

    beforeAll(async () => {
      target = await startScriptedTarget({ routes: { '/orders': { status: 201, body: {} } } });
      worker = await startWorkerProcess(config);
    }, 60_000);

    afterAll(async () => {
      await worker?.stop();
      await target?.close();
      await deleteTestKeys(config);
    });

    it('is the same in docs/library.md, the README and the client README', async () => {
      const library = exampleOf(await readFile(join(ROOT, 'docs', 'library.md'), 'utf8'));
      const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
      expect(exampleOf(readme, '## The library')).toBe(library);
      expect(exampleOf(await readFile(join(CLIENT, 'README.md'), 'utf8'))).toBe(library);
      expect(library).toContain("from 'taskrest-client'");
    });

    it('enqueues, a worker runs it against the target, and it prints the completed output', async () => {
      const example = exampleOf(await readFile(join(ROOT, 'docs', 'library.md'), 'utf8'));
      expect(example).toContain(EXAMPLE_URL);
      const file = join(project, 'example.mjs');
      await writeFile(file, example.replace(EXAMPLE_URL, `${target.url}/orders`));
      const { stdout } = await run(process.execPath, [relative(project, file)], {
        cwd: project,
        env: envOf(config),
        timeout: 45_000,
      });
      expect(stdout.trim()).toBe('completed success');
      const [order] = await target.waitFor(1, { path: '/orders' });
      expect(order).toMatchObject({ method: 'POST' });
      expect(JSON.parse(order!.body)).toEqual({ id: 42 });
    }, 60_000);
  });
});
