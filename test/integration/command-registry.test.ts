import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formsOf, subcommandsOf } from '../../cli/command-descriptor.js';
import { COMMANDS } from '../../cli/commands.js';
import { runCli } from '../helpers/run-cli.js';

const run = promisify(execFile);

const dist = (path: string) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

/** No configuration is read for a help: an empty environment is enough. */
const ENV = { PATH: process.env.PATH ?? '' };

/**
 * The packages a process has loaded once it imported the dispatcher and the
 * registry, then loaded the command `name` (none: only the dispatcher) as
 * `taskrest NAME` does. The packages these tests look for are CommonJS, so
 * every one loaded is in require's cache.
 */
async function packagesLoadedFor(name?: string): Promise<Set<string>> {
  const program = `
    const { createRequire } = await import('node:module');
    await import(${JSON.stringify(dist('cli/main.js'))});
    const { findCommand } = await import(${JSON.stringify(dist('cli/commands.js'))});
    ${name === undefined ? '' : `await findCommand(${JSON.stringify(name)}).load();`}
    process.stdout.write(JSON.stringify(Object.keys(createRequire(process.cwd() + '/').cache)));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], {
    env: ENV,
    maxBuffer: 16 * 1024 * 1024,
  });
  const packages = (JSON.parse(stdout) as string[]).map(
    (path) => [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1)?.[1],
  );
  return new Set(packages.filter((name) => name !== undefined));
}

/** The web framework and the dashboard, which only `api` and `dev` load. */
const WEB_STACK = /^(fastify|@fastify\/.*|@bull-board\/.*)$/;

describe('the command registry', () => {
  const names = COMMANDS.map((command) => command.name);

  it('names each command once', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it('taskrest --help lists every command, each form and each subcommand, in order', async () => {
    const help = await runCli(['--help'], ENV);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    const lines = help.stdout.split('\n');
    // The first word of each listed line: the commands, then the version flag.
    const listed = lines.flatMap((line) => /^ {2}(\S+)/.exec(line)?.[1] ?? []);
    expect([...new Set(listed)]).toEqual([...names, '--version']);
    for (const command of COMMANDS) {
      for (const form of formsOf(command)) {
        expect(
          lines.some((line) => line.startsWith(`  ${form}`)),
          form,
        ).toBe(true);
      }
      for (const subcommand of subcommandsOf(command)) {
        const shown = new RegExp(`^ {2}${command.name} \\[?${subcommand}\\b`, 'm');
        expect(help.stdout, `${command.name} ${subcommand}`).toMatch(shown);
      }
    }
    expect(help.stdout).toMatch(/^ {2}schedules get ID$/m);
  });

  it.each(names)('taskrest %s --help and -h print its own usage and exit 0', async (name) => {
    const { usage } = COMMANDS.find((command) => command.name === name)!;
    expect(usage.startsWith(`usage: taskrest ${name}`)).toBe(true);
    for (const flag of ['--help', '-h']) {
      expect(await runCli([name, flag], ENV), flag).toEqual({ code: 0, stdout: usage, stderr: '' });
    }
  });
});

describe('loading one command', () => {
  it('the dispatcher and the helps load no command: neither the web stack nor the worker', async () => {
    const loaded = [...(await packagesLoadedFor())];
    expect(loaded.filter((name) => WEB_STACK.test(name) || name === 'undici')).toEqual([]);
    expect(loaded).not.toContain('bullmq');
  });

  it('taskrest worker does not load the web framework nor the dashboard', async () => {
    const loaded = await packagesLoadedFor('worker');
    // The worker's own transport: the command was loaded.
    expect(loaded).toContain('undici');
    expect([...loaded].filter((name) => WEB_STACK.test(name))).toEqual([]);
  });

  it('taskrest api does not load the worker', async () => {
    const loaded = await packagesLoadedFor('api');
    expect(loaded).toContain('fastify');
    // undici is the worker's transport; the API serves with fastify on node's http.
    expect(loaded).not.toContain('undici');
  });
});
