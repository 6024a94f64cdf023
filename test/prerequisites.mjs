// What the test suite needs on the machine, and where it looks for it. Plain
// JavaScript, so that `npm test` can check it before anything is built; the
// tests that start these programs find them with the same functions.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where Debian's postgresql-15 puts initdb and pg_ctl (not on PATH). */
export const POSTGRES_15_BIN = '/usr/lib/postgresql/15/bin';

/**
 * The full path of `name` in the first folder of PATH that holds it as an
 * executable file, or undefined.
 * @param {string} name
 * @param {string | undefined} [path]
 * @returns {string | undefined}
 */
export function findProgram(name, path = process.env.PATH) {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * The folder holding both PostgreSQL's `initdb` and `pg_ctl`: Debian's
 * PostgreSQL 15 folder, else the first PATH folder with both; or undefined.
 * @param {string | undefined} [path]
 * @returns {string | undefined}
 */
export function findPostgresBin(path = process.env.PATH) {
  const dirs = [POSTGRES_15_BIN, ...(path ?? '').split(delimiter)].filter((dir) => dir !== '');
  return dirs.find((dir) => ['initdb', 'pg_ctl'].every((p) => isExecutable(join(dir, p))));
}

/**
 * @typedef {object} Prerequisite
 * @property {string} what what is missing, as the message names it
 * @property {string} why what needs it
 * @property {string} apt the Debian package that brings it
 * @property {(path: string | undefined) => boolean} present
 */

/** @type {readonly Prerequisite[]} */
export const PREREQUISITES = [
  {
    what: 'chromium (not on PATH)',
    why: "the console's and the dashboard's browser tests",
    apt: 'chromium',
    present: (path) => findProgram('chromium', path) !== undefined,
  },
  {
    what: 'redis-server (not on PATH)',
    why: 'a Redis for the run when none answers, and the fault tests',
    apt: 'redis-server',
    present: (path) => findProgram('redis-server', path) !== undefined,
  },
  {
    what: 'openssl (not on PATH)',
    why: "the TLS tests' certificates",
    apt: 'openssl',
    present: (path) => findProgram('openssl', path) !== undefined,
  },
  {
    what: `PostgreSQL's initdb and pg_ctl (neither in ${POSTGRES_15_BIN} nor on PATH)`,
    why: 'a PostgreSQL for the run when none answers, and the history fault test',
    apt: 'postgresql-15',
    present: (path) => findPostgresBin(path) !== undefined,
  },
  {
    // PostgreSQL refuses to run as root: as root the tests run its programs as `postgres`.
    what: 'the user postgres (PostgreSQL does not run as root)',
    why: 'a PostgreSQL cluster started by tests running as root',
    apt: 'postgresql-15',
    present: () => process.getuid?.() !== 0 || hasUser('postgres'),
  },
];

/**
 * The one line that names what is missing and how to install it, or
 * undefined when nothing is.
 * @param {string | undefined} [path]
 * @returns {string | undefined}
 */
export function missingLine(path = process.env.PATH) {
  const missing = PREREQUISITES.filter((p) => !p.present(path));
  if (missing.length === 0) return undefined;
  return lineFor(missing);
}

/**
 * @param {readonly Prerequisite[]} missing
 * @returns {string}
 */
export function lineFor(missing) {
  const packages = [...new Set(missing.map((p) => p.apt))].join(' ');
  const them = missing.length === 1 ? 'it' : 'them';
  return (
    `npm test needs ${missing.map((p) => `${p.what}, for ${p.why}`).join('; ')}. ` +
    `Install ${them}: apt-get install -y ${packages}`
  );
}

/**
 * @param {string} file
 * @returns {boolean}
 */
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * @param {string} name
 * @returns {boolean}
 */
function hasUser(name) {
  try {
    return readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .some((line) => line.startsWith(`${name}:`));
  } catch {
    return false;
  }
}
