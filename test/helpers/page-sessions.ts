import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import { findProgram } from '../prerequisites.mjs';
import { consoleSessions, type ConsoleSession } from './console-sessions.js';
import { runSession, type StepOutput } from './run-session.js';
import { startScriptedTarget, type ScriptedTarget } from './scripted-target.js';
import { READY_TIMEOUT_MS, startTaskrest, type TaskrestProcess } from './taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from './test-config.js';

/** Where a reader of the docs has `npm start` listening. */
export const DOCS_ORIGIN = 'http://127.0.0.1:3000';

/**
 * Times and dates differ on every run: both sides show them masked. A
 * terminal shows CRLF as a line end, as the page does.
 */
function masked(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\b/g, '<date>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>');
}

/** A session as the page shows it: each prompt, command and what it prints. */
function shown(steps: readonly StepOutput[]): string {
  return steps
    .map(({ command, printed }) => `$ ${command.replace(/\n/g, '\n> ')}\n${printed.trimEnd()}`)
    .join('\n');
}

function hasCurl(): boolean {
  return findProgram('curl') !== undefined;
}

/**
 * Declares one test per shell session of the Markdown page (see
 * console-sessions.ts): run in order against a real `taskrest dev` and a
 * real Redis, each must print what the page shows, ids included, times and
 * dates masked. `taskrest dev` listens on a free port instead of 3000 and
 * keeps its keys under a prefix of its own, on the default queue name, so
 * that its output reads as a new user's does. Any other URL a command names
 * goes to a loopback target of the test's own: the examples never leave the
 * machine.
 */
export function describePageSessions(page: URL): void {
  const name = basename(fileURLToPath(page));
  const sessions = consoleSessions(readFileSync(page, 'utf8'));

  describe(`the shell sessions of ${name}`, () => {
    let config: Config;
    let dev: TaskrestProcess;
    let devOrigin: string;
    let target: ScriptedTarget;
    let cwd: string;

    beforeAll(async () => {
      config = testConfig({ TASKREST_QUEUE: 'rest-tasks' });
      target = await startScriptedTarget();
      cwd = mkdtempSync(join(tmpdir(), 'taskrest-docs-'));
      dev = startTaskrest(['dev'], envOf(config, { HOST: '127.0.0.1', PORT: '0' }));
      await dev.waitFor(/HTTP API on http:\/\/127\.0\.0\.1:\d+\/api/);
      devOrigin = /HTTP API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(dev.output())![1]!;
    }, READY_TIMEOUT_MS + 10_000);
    afterAll(async () => {
      await dev?.stop('SIGINT');
      await target?.close();
      if (cwd) rmSync(cwd, { recursive: true, force: true });
      if (config) await deleteTestKeys(config);
    });

    it('has shell sessions to run', () => {
      expect(sessions.length).toBeGreaterThan(0);
    });

    it.for(sessions)(
      `the session at ${name} line $line prints what the page shows`,
      { timeout: 90_000 },
      async (session: ConsoleSession, context) => {
        const commands = session.steps.map((step) => step.command);
        if (commands.some((command) => /\bcurl\b/.test(command)) && !hasCurl()) {
          context.skip('curl is not installed');
        }
        const elsewhere = new Set<string>();
        const rewritten = commands.map((command) =>
          command.replace(/https?:\/\/[^/\s'"\\]+/g, (origin) => {
            if (origin === DOCS_ORIGIN) return devOrigin;
            elsewhere.add(origin);
            return target.url;
          }),
        );
        const outputs = await runSession(rewritten, { env: envOf(config), cwd });
        const [external] = elsewhere;
        const printed = outputs.map(({ printed }, index) => {
          let text = printed.replaceAll(devOrigin, DOCS_ORIGIN);
          text = text.replaceAll(
            devOrigin.slice('http://'.length),
            DOCS_ORIGIN.slice('http://'.length),
          );
          if (external !== undefined && elsewhere.size === 1) {
            text = text.replaceAll(target.url, external);
          }
          return { command: commands[index]!, printed: text };
        });
        const expected = session.steps.map(({ command, expected }) => ({
          command,
          printed: expected,
        }));
        // On a difference, the whole session as it ran, to paste into the page.
        expect(masked(shown(printed)), shown(printed)).toBe(masked(shown(expected)));
      },
    );
  });
}
