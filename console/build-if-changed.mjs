// Builds the console (console/, with Vite) into dist/console/ unless what it is
// built from is unchanged since the last build: `npm start` runs it, so that a
// start with nothing changed does not wait for Vite. `npm run build` runs it with
// --force. How it decides: docs/development.md#what-npm-start-builds.
//
//   node console/build-if-changed.mjs [--force] [--check] [--root DIR]
//
// --force  builds whatever the stamp says.
// --check  builds nothing: exits 0 when the build is up to date, 1 when it is not.
// --root   the repository to build (a copy, in tests); defaults to this file's.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The stamp of the last build, beside its output (not in it: dist/console/ is
 * what the package ships and the API serves).
 */
const STAMP = 'dist/console-build.json';
/** Where vite.config.ts writes the build. */
const OUT = 'dist/console';
/** Files outside console/ that the build depends on: the versions of Vite and its plugins. */
const LOCK_FILES = ['package-lock.json'];
/** A relative import or re-export in a TypeScript file: `from '../x.js'`, `import('./y.js')`. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** @typedef {{ inputs: Record<string, string>, outputs: string[] }} Stamp */

/** Every file under `dir`, as absolute paths. @param {string} dir @returns {Promise<string[]>} */
async function filesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The file a relative import names: `x.js` is written for `x.ts` (or `x.tsx`). @param {string} path */
function sourceOf(path) {
  const base = path.replace(/\.js$/, '');
  return [path, `${base}.ts`, `${base}.tsx`].find((p) => existsSync(p) && !p.endsWith('.js'));
}

/**
 * What the console is built from: every file under console/, the files outside
 * it that they import (the shared types, and what those import in turn) and
 * the lock file. A value import from shared/ is refused by ESLint, but the
 * types are followed anyway: a build is cheap next to serving a stale one.
 * @param {string} root @returns {Promise<string[]>} paths relative to root, sorted
 */
export async function inputsOf(root) {
  const consoleDir = join(root, 'console');
  const seen = new Set(await filesUnder(consoleDir));
  const queue = [...seen].filter((p) => /\.tsx?$/.test(p));
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.pop());
    for (const [, specifier] of (await readFile(file, 'utf8')).matchAll(RELATIVE_IMPORT)) {
      const target = sourceOf(resolve(dirname(file), /** @type {string} */ (specifier)));
      if (target === undefined || seen.has(target) || !target.startsWith(root + sep)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  const lockFiles = LOCK_FILES.map((name) => join(root, name)).filter((p) => existsSync(p));
  return [...seen, ...lockFiles].map((p) => relative(root, p).split(sep).join('/')).sort();
}

/** Each input's SHA-256. @param {string} root @returns {Promise<Record<string, string>>} */
async function hashesOf(root) {
  const hashes = /** @type {Record<string, string>} */ ({});
  for (const path of await inputsOf(root)) {
    hashes[path] = createHash('sha256')
      .update(await readFile(join(root, path)))
      .digest('hex');
  }
  return hashes;
}

/**
 * The stamp of the last build; undefined when there is none.
 * @param {string} root @returns {Promise<Stamp | undefined>}
 */
async function readStamp(root) {
  try {
    /** @type {unknown} */
    const stamp = JSON.parse(await readFile(join(root, STAMP), 'utf8'));
    return isStamp(stamp) ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** @param {unknown} value @returns {value is Stamp} */
function isStamp(value) {
  if (typeof value !== 'object' || value === null) return false;
  const { inputs, outputs } = /** @type {Record<string, unknown>} */ (value);
  return typeof inputs === 'object' && inputs !== null && Array.isArray(outputs);
}

/**
 * Why the console needs building (the first reason found), or undefined when
 * the last build is still what its inputs make.
 * @param {string} root @param {Record<string, string>} hashes @returns {Promise<string | undefined>}
 */
export async function staleness(root, hashes) {
  const stamp = await readStamp(root);
  if (stamp === undefined || stamp.outputs.length === 0) return 'no earlier build';
  const missing = stamp.outputs.find((path) => !existsSync(join(root, OUT, path)));
  if (missing !== undefined) return `${OUT}/${missing} is missing`;
  for (const [path, hash] of Object.entries(hashes)) {
    if (stamp.inputs[path] === undefined) return `${path} is new`;
    if (stamp.inputs[path] !== hash) return `${path} changed`;
  }
  const gone = Object.keys(stamp.inputs).find((path) => hashes[path] === undefined);
  return gone === undefined ? undefined : `${gone} is gone`;
}

/** Runs Vite's build (loaded only now: a skipped build costs no Vite start). @param {string} root */
async function viteBuild(root) {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'console', 'vite.config.ts') });
}

/** @param {string[]} argv */
async function main(argv) {
  const force = argv.includes('--force');
  const check = argv.includes('--check');
  const at = argv.indexOf('--root');
  const root = resolve(
    at >= 0 ? (argv[at + 1] ?? '.') : fileURLToPath(new URL('..', import.meta.url)),
  );
  const hashes = await hashesOf(root);
  const reason = force ? 'asked to (--force)' : await staleness(root, hashes);
  if (reason === undefined) {
    console.log(`console: ${OUT}/ is up to date, not built again`);
    return 0;
  }
  if (check) {
    console.log(`console: ${OUT}/ needs a build: ${reason}`);
    return 1;
  }
  console.log(`console: building ${OUT}/: ${reason}`);
  // A build cut short leaves no stamp, so the next run builds again.
  await rm(join(root, STAMP), { force: true });
  await viteBuild(root);
  const outDir = join(root, OUT);
  const outputs = (await filesUnder(outDir)).map((p) => relative(outDir, p).split(sep).join('/'));
  await mkdir(dirname(join(root, STAMP)), { recursive: true });
  await writeFile(join(root, STAMP), `${JSON.stringify({ inputs: hashes, outputs }, null, 1)}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
