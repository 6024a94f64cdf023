/**
 * The builds a benchmark compares: this checkout, and any git revision built
 * side by side (`--baseline REV`). Each build runs its own `taskrest worker`
 * and is fed by its own library, so job formats never mix.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './processes.js';

export const REPO = path.resolve(DIST, '..');

/** A built taskrest: where its dist/ is, and what to call it in the report. */
export interface Build {
  label: string;
  dist: string;
}

export const THIS_BUILD: Build = { label: 'this build', dist: DIST };

/** The `taskrest` command as tsc built it, unbundled: dist/bin/taskrest.js. */
export function unbundledCommandOf(dist: string): string {
  return path.join(dist, 'bin', 'taskrest.js');
}

/**
 * The `taskrest` command of a build's dist/: the bundle it ships
 * (dist/bundle/taskrest.js), or the unbundled one for revisions from
 * before the command was bundled.
 */
export function commandOf(dist: string): string {
  const bundled = path.join(dist, 'bundle', 'taskrest.js');
  return existsSync(bundled) ? bundled : unbundledCommandOf(dist);
}

/**
 * Checks out, installs and builds `rev` into .cache/bench-baseline/<sha> (a
 * git worktree), once per commit.
 */
export function buildRevision(rev: string): Build {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], {
    cwd: REPO,
    encoding: 'utf8',
  }).trim();
  const dir = path.join(REPO, '.cache', 'bench-baseline', sha);
  if (!existsSync(unbundledCommandOf(path.join(dir, 'dist')))) {
    mkdirSync(path.dirname(dir), { recursive: true });
    if (!existsSync(dir)) {
      execFileSync('git', ['worktree', 'add', '--detach', dir, sha], {
        cwd: REPO,
        stdio: 'inherit',
      });
    }
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  }
  return { label: `${rev} (${sha.slice(0, 10)})`, dist: path.join(dir, 'dist') };
}

/** What a benchmark needs of a build's library. */
export interface BuildProducer {
  /** `options.queue`: builds since named queues only (the baseline may ignore it). */
  enqueueBulk(
    tasks: readonly object[],
    options?: { queue?: string },
  ): Promise<readonly { executionId: unknown }[]>;
  close(): Promise<void>;
}

/** The build's own library, configured from `env` (both constructor styles taskrest has had). */
export async function producerOf(
  build: Build,
  env: Record<string, string>,
): Promise<BuildProducer> {
  const lib = (await import(pathToFileURL(path.join(build.dist, 'producer', 'index.js')).href)) as {
    TaskProducer: {
      new (options?: object): BuildProducer;
      fromEnv?: (env: NodeJS.ProcessEnv) => BuildProducer;
    };
    loadConfig?: (env: NodeJS.ProcessEnv) => object;
  };
  const { TaskProducer, loadConfig } = lib;
  if (TaskProducer.fromEnv) return TaskProducer.fromEnv(env);
  return new TaskProducer({ config: loadConfig?.(env) });
}
