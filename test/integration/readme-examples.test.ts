import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import { consoleSessions, type ConsoleSession } from '../helpers/console-sessions.js';
import { runSession } from '../helpers/run-session.js';
import { startScriptedTarget, type ScriptedTarget } from '../helpers/scripted-target.js';
import { startTaskrest, type TaskrestProcess } from '../helpers/taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';

const README = new URL('../../README.md', import.meta.url);
const sessions = consoleSessions(readFileSync(README, 'utf8'));

/** Where the README's reader has `npm start` listening. */
const README_ORIGIN = 'http://127.0.0.1:3000';

/** Times and dates differ on every run: both sides show them masked. */
function masked(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\b/g, '<date>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>');
}

/** A session as the README shows it: each prompt, command and what it prints. */
function transcript(steps: readonly { command: string; printed: string }[]): string {
  return steps
    .map(({ command, printed }) => masked(`$ ${command}\n${printed.trimEnd()}`))
    .join('\n');
}

function hasCurl(): boolean {
  return spawnSync('sh', ['-c', 'command -v curl'], { stdio: 'ignore' }).status === 0;
}

/**
 * The README's shell sessions (its ```console blocks with `$ ` prompts) run
 * against a real `taskrest dev` and a real Redis, in order, and print what
 * the README shows, ids included, times and dates masked. `taskrest dev`
 * listens on a free port instead of 3000 and keeps its keys under a prefix
 * of its own, on the default queue name, so that its output reads as a new
 * user's does. Any other URL a command names goes to a loopback target of
 * the test's own: the examples never leave the machine.
 */
describe('README examples', () => {
  let config: Config;
  let dev: TaskrestProcess;
  let devOrigin: string;
  let target: ScriptedTarget;
  let cwd: string;

  beforeAll(async () => {
    config = testConfig({ TASKREST_QUEUE: 'rest-tasks' });
    target = await startScriptedTarget();
    cwd = mkdtempSync(join(tmpdir(), 'taskrest-readme-'));
    dev = startTaskrest(['dev'], envOf(config, { HOST: '127.0.0.1', PORT: '0' }));
    await dev.waitFor(/HTTP API on http:\/\/127\.0\.0\.1:\d+\/api/, 20_000);
    devOrigin = /HTTP API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(dev.output())![1]!;
  }, 30_000);
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
    'the session at README.md line $line prints what the README shows',
    { timeout: 90_000 },
    async (session: ConsoleSession, context) => {
      const commands = session.steps.map((step) => step.command);
      if (commands.some((command) => /\bcurl\b/.test(command)) && !hasCurl()) {
        context.skip('curl is not installed');
      }
      const elsewhere = new Set<string>();
      const rewritten = commands.map((command) =>
        command.replace(/https?:\/\/[^/\s'"\\]+/g, (origin) => {
          if (origin === README_ORIGIN) return devOrigin;
          elsewhere.add(origin);
          return target.url;
        }),
      );
      const outputs = await runSession(rewritten, { env: envOf(config), cwd });
      const [external] = elsewhere;
      const printed = outputs.map(({ printed }, index) => {
        let text = printed.replaceAll(devOrigin, README_ORIGIN);
        text = text.replaceAll(
          devOrigin.replace('http://', ''),
          README_ORIGIN.replace('http://', ''),
        );
        if (external !== undefined && elsewhere.size === 1)
          text = text.replaceAll(target.url, external);
        return { command: commands[index]!, printed: text };
      });
      const expected = session.steps.map(({ command, expected }) => ({
        command,
        printed: expected,
      }));
      // On a difference, the whole session as it ran, to paste into the README.
      expect(
        transcript(printed),
        printed.map((p) => `$ ${p.command}\n${p.printed}`).join('\n'),
      ).toBe(transcript(expected));
    },
  );
});
