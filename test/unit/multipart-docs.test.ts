import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { multipartSchema } from '../../shared/task-schema.js';
import { consoleSessions } from '../helpers/console-sessions.js';

const TASKS_PAGE = readFileSync(new URL('../../docs/tasks.md', import.meta.url), 'utf8');

/** The text of the page's section under `heading`, up to the next heading of its level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start === -1) return '';
  const level = /^#+/.exec(heading)![0];
  const next = markdown.indexOf(`\n${level} `, start + heading.length + 2);
  return markdown.slice(start, next === -1 ? undefined : next);
}

/** The names in the first column (`` `name` ``) of each table of the text, table by table. */
function tableNames(text: string): string[][] {
  const tables: string[][] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    if (!inTable) tables.push([]);
    inTable = true;
    const name = /^\|\s*`([^`]+)`/.exec(line)?.[1];
    if (name !== undefined) tables.at(-1)!.push(name);
  }
  return tables;
}

/**
 * docs/tasks.md documents the `multipart` input in its own words: every field
 * of the multipart dictionary and of a part, as the task schema accepts them,
 * and a session that sends a file part (run by tasks-doc-examples.test.ts).
 */
describe('docs/tasks.md: multipart bodies', () => {
  const text = section(TASKS_PAGE, '## Multipart bodies');
  const [dictionary = [], part = []] = tableNames(text);

  it('names every field of the multipart input, and only those', () => {
    expect(dictionary.sort()).toEqual(Object.keys(multipartSchema.shape).sort());
  });

  it('names every field of a part, and only those', () => {
    expect(part.sort()).toEqual(Object.keys(multipartSchema.shape.parts.element.shape).sort());
  });

  it('has a shell session that sends a file part and shows what arrived', () => {
    const commands = consoleSessions(text).flatMap((s) => s.steps.map((step) => step.command));
    expect(commands.some((c) => /"multipart"/.test(c) && /"file":/.test(c))).toBe(true);
  });

  it('no longer sends the reader to the connector for it', () => {
    expect(TASKS_PAGE).not.toMatch(/multipart body, as the connector documents it/);
  });
});
