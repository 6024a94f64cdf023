/**
 * The `taskrest` command as it ships: tsc's build of bin/taskrest.ts
 * (dist/bin/taskrest.js) bundled into dist/bundle/, whitespace and comments
 * removed, names kept (stack traces and error names read as in the source;
 * `node dist/bin/taskrest.js` runs the same program unbundled, with source
 * maps under `--enable-source-maps`).
 *
 * Why: V8 keeps the source text of every module a process loads, and a
 * worker's old generation grows to a multiple of what stays live. Our own
 * modules and the ES-module packages inlined below, minified and with what
 * the command never imports left out, hold less of that live heap; see
 * docs/performance.md (Memory of the command). Everything else, CommonJS
 * packages above all, stays an import of node_modules as it is.
 */
import { defineConfig } from 'rolldown';

/** Packages bundled into the command; every other package is imported from node_modules. */
const INLINED = new Set(['zod', 'axios', 'axios-retry']);

/**
 * The package a bare import names (`@scope/name/sub` → `@scope/name`), or null for a path.
 * @param {string} id
 * @returns {string | null}
 */
function packageOf(id) {
  const match = /^(@[^/]+\/[^/]+|[^./][^/]*)/.exec(id);
  return match ? match[1] : null;
}

export default defineConfig({
  input: 'dist/bin/taskrest.js',
  platform: 'node',
  /** @param {string} id */
  external: (id) => {
    if (id.startsWith('node:')) return true;
    const name = packageOf(id);
    return name !== null && !INLINED.has(name);
  },
  output: {
    dir: 'dist/bundle',
    cleanDir: true,
    format: 'esm',
    // One character above U+00FF makes V8 hold a whole chunk's text at two bytes a character.
    charset: 'ascii',
    minify: { compress: true, mangle: false },
  },
});
