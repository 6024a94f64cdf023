import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertFileName, fileNameProblem } from '../../shared/files/file-name.js';
import { createFilesStore, filesKeyPrefix, FilesStore } from '../../shared/files/files-store.js';
import { TEST_REDIS_URL } from '../helpers/test-config.js';

const MiB = 1024 * 1024;
let redis: Redis;
let keyPrefix: string;
let store: FilesStore;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});

afterEach(async () => {
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
});

afterAll(async () => {
  await redis.quit();
});

function newStore(maxFileBytes = 32 * MiB): FilesStore {
  keyPrefix = filesKeyPrefix({ prefix: '{taskrest-test}', queueName: `test-${randomUUID()}` });
  store = new FilesStore(redis, { keyPrefix, maxFileBytes });
  return store;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('FilesStore', () => {
  it('puts, gets, sizes, lists and deletes', async () => {
    const files = newStore();
    expect(await files.put('report.txt', Buffer.from('hello'))).toEqual({ size: 5 });
    await files.put('a/b.json', Readable.from([Buffer.from('{"a":'), '1}']));
    expect((await files.get('report.txt'))?.toString()).toBe('hello');
    expect((await files.get('a/b.json'))?.toString()).toBe('{"a":1}');
    expect(await files.size('report.txt')).toBe(5);
    expect(await files.size('nope.txt')).toBeNull();
    expect(await files.get('nope.txt')).toBeNull();
    expect(await files.list()).toEqual([
      { name: 'a/b.json', size: 7 },
      { name: 'report.txt', size: 5 },
    ]);
    await files.put('report.txt', Buffer.from('replaced'));
    expect((await files.get('report.txt'))?.toString()).toBe('replaced');
    expect(await files.delete('report.txt')).toBe(true);
    expect(await files.delete('report.txt')).toBe(false);
    expect(await files.get('report.txt')).toBeNull();
    expect(await files.list()).toEqual([{ name: 'a/b.json', size: 7 }]);
    await expect(readAll(files.stream('report.txt'))).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
  });

  it('keeps its keys under the queue prefix, with no upload left behind', async () => {
    const files = newStore();
    await files.put('x', Buffer.from('1'));
    expect((await redis.keys(`${keyPrefix}*`)).sort()).toEqual([
      `${keyPrefix}data:x`,
      `${keyPrefix}index`,
    ]);
    expect(await redis.ttl(`${keyPrefix}data:x`)).toBe(-1);
    expect(keyPrefix.startsWith('{taskrest-test}:test-')).toBe(true);
  });

  it('is binary-safe: all 256 byte values, and an empty file', async () => {
    const files = newStore();
    const bytes = Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256));
    await files.put('bytes.bin', bytes);
    expect((await files.get('bytes.bin'))?.equals(bytes)).toBe(true);
    expect((await readAll(files.stream('bytes.bin'))).equals(bytes)).toBe(true);
    await files.put(
      'bytes-streamed.bin',
      Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]),
    );
    expect((await files.get('bytes-streamed.bin'))?.equals(bytes)).toBe(true);
    await files.put('empty', Buffer.alloc(0));
    expect(await files.size('empty')).toBe(0);
    expect((await files.get('empty'))?.length).toBe(0);
    expect((await readAll(files.stream('empty'))).length).toBe(0);
  });

  it('refuses a file over the limit and stores nothing, for buffers and streams', async () => {
    const files = newStore(1000);
    await expect(files.put('big', Buffer.alloc(1001))).rejects.toMatchObject({
      name: 'FileTooLargeError',
      code: 'FILE_TOO_LARGE',
      message: 'file "big" is larger than the limit of 1000 bytes',
    });
    await expect(
      files.put('big', Readable.from([Buffer.alloc(600), Buffer.alloc(600)])),
    ).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
    expect(await files.size('big')).toBeNull();
    expect(await redis.keys(`${keyPrefix}*`)).toEqual([]);
    expect(await files.put('exactly', Buffer.alloc(1000))).toEqual({ size: 1000 });
  });

  it('keeps the old content when a replacing upload fails', async () => {
    const files = newStore(1000);
    await files.put('kept', Buffer.from('old'));
    await expect(files.put('kept', Readable.from([Buffer.alloc(2000)]))).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
    expect((await files.get('kept'))?.toString()).toBe('old');
  });

  it.each([
    '../x',
    '/etc/passwd',
    'a\0b',
    'a/../../b',
    '',
    'a\\b',
    'a\r\nb',
    'x'.repeat(256),
    'a//b',
    './a',
  ])('refuses the name %j', async (name) => {
    const files = newStore();
    expect(fileNameProblem(name)).not.toBeNull();
    expect(() => assertFileName(name)).toThrow(/^invalid file name /);
    await expect(files.put(name, Buffer.from('x'))).rejects.toMatchObject({
      name: 'InvalidFileNameError',
      code: 'INVALID_FILE_NAME',
    });
    expect(await redis.keys(`${keyPrefix}*`)).toEqual([]);
  });

  it.each([
    'report.txt',
    'a/b/c.json',
    'x'.repeat(255),
    'with space & "quotes".txt',
    'ünïcode.txt',
    '..a',
    'a..',
  ])('accepts the name %j', (name) => {
    expect(fileNameProblem(name)).toBeNull();
  });

  it('streams a 32 MiB file in bounded chunks', async () => {
    const files = newStore();
    const content = Buffer.alloc(32 * MiB);
    for (let i = 0; i < content.length; i += 4) content.writeUInt32LE(i, i);
    await files.put('big.bin', content);
    const stream = files.stream('big.bin');
    const hash = createHash('sha256');
    let largest = 0;
    let total = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      largest = Math.max(largest, chunk.length);
      total += chunk.length;
      hash.update(chunk);
    }
    expect(total).toBe(32 * MiB);
    expect(largest).toBeLessThanOrEqual(MiB);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('fails a reader whose file is replaced mid-read instead of mixing versions', async () => {
    keyPrefix = `{taskrest-test}:test-${randomUUID()}:files:`;
    const files = new FilesStore(redis, { keyPrefix, chunkBytes: 4 });
    await files.put('f', Buffer.from('aaaabbbbcccc'));
    const stream = files.stream('f');
    const reader = stream[Symbol.asyncIterator]();
    expect(((await reader.next()).value as Buffer).toString()).toBe('aaaa');
    await files.put('f', Buffer.from('xxxxyyyyzzzz'));
    await expect(readAll(stream)).rejects.toMatchObject({ code: 'FILE_CHANGED' });
  });

  it('is made from the configuration with the queue prefix and size limit', async () => {
    const queueName = `test-${randomUUID()}`;
    keyPrefix = `{taskrest-test}:${queueName}:files:`;
    const files = createFilesStore(redis, {
      prefix: '{taskrest-test}',
      queueName,
      maxFileBytes: 3,
    });
    await files.put('ok', Buffer.from('abc'));
    await expect(files.put('no', Buffer.from('abcd'))).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
    expect(await redis.exists(`${keyPrefix}data:ok`)).toBe(1);
  });
});
