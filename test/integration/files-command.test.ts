import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { filesCommand, parseFilesArgs } from '../../cli/files-command.js';
import { TEST_REDIS_URL } from '../helpers/test-config.js';

const queueName = `test-${randomUUID()}`;
const config = loadConfig({
  REDIS_URL: TEST_REDIS_URL,
  TASKREST_PREFIX: '{taskrest-test}',
  TASKREST_QUEUE: queueName,
  TASKREST_MAX_FILE_BYTES: '1000',
});
let redis: Redis;
let dir: string;

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL);
  dir = await mkdtemp(join(tmpdir(), 'taskrest-files-'));
});

afterAll(async () => {
  const keys = await redis.keys(`{taskrest-test}:${queueName}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[], stdin: Buffer = Buffer.alloc(0)) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await filesCommand(args, {
    config,
    stdin: Readable.from([stdin]),
    stdout,
    stderr,
    signal: new AbortController().signal,
  });
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
}

describe('taskrest files', () => {
  it('parses its arguments', () => {
    expect(parseFilesArgs(['put', 'a.txt', '-'])).toEqual({
      action: 'put',
      name: 'a.txt',
      path: '-',
    });
    expect(parseFilesArgs(['get', 'a.txt'])).toEqual({ action: 'get', name: 'a.txt' });
    expect(parseFilesArgs(['rm', 'a.txt'])).toEqual({ action: 'rm', name: 'a.txt' });
    expect(parseFilesArgs(['ls'])).toEqual({ action: 'ls' });
    expect(() => parseFilesArgs([])).toThrow(/usage: taskrest files/);
    expect(() => parseFilesArgs(['put', 'a.txt'])).toThrow(/takes NAME and PATH/);
    expect(() => parseFilesArgs(['get'])).toThrow(/takes NAME/);
    expect(() => parseFilesArgs(['ls', 'x'])).toThrow(/takes no arguments/);
    expect(() => parseFilesArgs(['cp', 'a', 'b'])).toThrow(/unknown files command: cp/);
    expect(() => parseFilesArgs(['get', '../x'])).toThrow(/invalid file name "..\/x"/);
  });

  it('exits 2 with the message on stderr for usage errors', async () => {
    const result = await run(['put', '/etc/passwd', '-']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid file name/);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('puts from a path and from stdin, gets raw bytes, lists and removes', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const path = join(dir, 'bytes.bin');
    await writeFile(path, bytes);
    expect(await run(['put', 'bytes.bin', path])).toMatchObject({ code: 0 });
    const fromStdin = await run(['put', 'notes/a.txt', '-'], Buffer.from('hello'));
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout.toString())).toEqual({ name: 'notes/a.txt', size: 5 });

    const got = await run(['get', 'bytes.bin']);
    expect(got.code).toBe(0);
    expect(got.stdout.equals(bytes)).toBe(true);

    const listed = await run(['ls']);
    expect(
      listed.stdout
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { name: 'bytes.bin', size: 256 },
      { name: 'notes/a.txt', size: 5 },
    ]);

    expect((await run(['rm', 'bytes.bin'])).code).toBe(0);
    const again = await run(['rm', 'bytes.bin']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no file "bytes.bin"/);
    const missing = await run(['get', 'bytes.bin']);
    expect(missing).toMatchObject({ code: 1, stdout: Buffer.alloc(0) });
    expect(missing.stderr).toMatch(/no file "bytes.bin"/);
  });

  it('exits 1 for a file over the limit or a path it cannot read', async () => {
    const big = await run(['put', 'big', '-'], Buffer.alloc(1001));
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/larger than the limit of 1000 bytes/);
    const unreadable = await run(['put', 'x', join(dir, 'does-not-exist')]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/ENOENT/);
  });
});
