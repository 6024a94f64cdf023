import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UsageError } from './usage-error.js';

/** Reads the task JSON from `--json TEXT`, a FILE, or `-` (standard input). */
export async function readTaskInput(
  source: { json?: string; file?: string },
  stdin: Readable,
): Promise<unknown> {
  if (source.json !== undefined && source.file !== undefined) {
    throw new UsageError('give the task either as FILE or with --json, not both');
  }
  let text: string;
  if (source.json !== undefined) text = source.json;
  else if (source.file === undefined || source.file === '-') text = await readAll(stdin);
  else {
    try {
      text = await readFile(source.file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`the task is not valid JSON: ${(error as Error).message}`);
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
