/** Types of prerequisites.mjs (plain JavaScript, so that it runs before the build). */

/** Where Debian's postgresql-15 puts initdb and pg_ctl (not on PATH). */
export const POSTGRES_15_BIN: string;

/** The full path of `name` in the first folder of PATH that holds it as an executable file. */
export function findProgram(name: string, path?: string): string | undefined;

/** The folder holding both PostgreSQL's `initdb` and `pg_ctl`. */
export function findPostgresBin(path?: string): string | undefined;

/** One thing the suite needs on the machine. */
export interface Prerequisite {
  /** What is missing, as the message names it. */
  readonly what: string;
  /** What needs it. */
  readonly why: string;
  /** The Debian package that brings it. */
  readonly apt: string;
  present(path: string | undefined): boolean;
}

export const PREREQUISITES: readonly Prerequisite[];

/** The one line that names what is missing and how to install it, or undefined. */
export function missingLine(path?: string): string | undefined;

/** The one line for these missing prerequisites. */
export function lineFor(missing: readonly Prerequisite[]): string;
