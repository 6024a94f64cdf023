import { queueKeyBase } from '../queue-keys.js';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Config } from '../config.js';
import type { RedisClient } from '../redis-connection.js';
import { assertFileName } from './file-name.js';
import { FileChangedError } from '../errors/file-changed-error.js';
import { FileNotFoundError } from '../errors/file-not-found-error.js';
import { FileTooLargeError } from '../errors/file-too-large-error.js';

/** Options of a FilesStore. */
export interface FilesStoreOptions {
  /** Prefix of every key; see `filesKeyPrefix`. */
  keyPrefix: string;
  /** Largest file accepted by `put`, in bytes. @defaultValue 32 MiB */
  maxFileBytes?: number;
  /** Bytes per Redis command when writing and reading. @defaultValue 1 MiB */
  chunkBytes?: number;
  /** How long an unfinished upload may linger before Redis drops it, in seconds. @defaultValue 3600 */
  uploadTtlSeconds?: number;
  /**
   * Awaited before each operation: a producer's fail-fast connection sends
   * nothing until Redis is ready (`waitForRedis`). @defaultValue none
   */
  ready?: () => Promise<void>;
}

/** One entry of `list()`. */
export interface FileInfo {
  name: string;
  size: number;
}

const MiB = 1024 * 1024;
const DEFAULTS = {
  maxFileBytes: 32 * MiB,
  chunkBytes: MiB,
  uploadTtlSeconds: 3600,
  ready: () => Promise.resolve(),
};

/**
 * The key prefix of the files resource: under the default queue's (TASKREST_QUEUE)
 * keys, `{taskrest:rest-tasks}:rest-tasks:files:`. Every queue's tasks read
 * files from here; the one hash tag keeps all files in one cluster slot,
 * which the MULTI transactions below need.
 */
export function filesKeyPrefix(config: Pick<Config, 'prefix' | 'queueName'>): string {
  return `${queueKeyBase(config)}:files:`;
}

/** A FilesStore for the configured queue, with the configured size limit. */
export function createFilesStore(
  client: RedisClient,
  config: Pick<Config, 'prefix' | 'queueName' | 'maxFileBytes'>,
  ready?: () => Promise<void>,
): FilesStore {
  return new FilesStore(client, {
    keyPrefix: filesKeyPrefix(config),
    maxFileBytes: config.maxFileBytes,
    ...(ready ? { ready } : {}),
  });
}

interface IndexEntry {
  size: number;
  version: string;
}

/**
 * The files resource (multipart file parts come from here), kept in Redis so
 * that every worker sees the same files.
 *
 * Keys: `<prefix>data:<name>` holds the bytes; the hash `<prefix>index` maps
 * each name to `<size>:<version>`, where the version is random per `put`.
 * An upload is written in chunks to a temporary key and becomes visible with
 * one MULTI (RENAME + index update), so readers never see half a file. Reads
 * go chunk by chunk with GETRANGE, each in a MULTI with the index entry: a
 * reader notices when the file is replaced under it (FileChangedError) rather
 * than splicing two versions together.
 */
export class FilesStore {
  readonly #options: Required<FilesStoreOptions>;
  readonly #indexKey: string;
  readonly #client: RedisClient;

  constructor(client: RedisClient, options: FilesStoreOptions) {
    this.#client = client;
    this.#options = { ...DEFAULTS, ...options };
    if (!(this.#options.chunkBytes >= 1)) throw new RangeError('chunkBytes must be at least 1');
    this.#indexKey = `${this.#options.keyPrefix}index`;
  }

  /**
   * Stores `content` under `name`, replacing any file of that name once the
   * whole content is written. Throws InvalidFileNameError, or
   * FileTooLargeError (code `FILE_TOO_LARGE`) with nothing stored.
   */
  async put(name: string, content: Buffer | Readable): Promise<{ size: number }> {
    assertFileName(name);
    const { maxFileBytes, chunkBytes } = this.#options;
    if (Buffer.isBuffer(content) && content.length > maxFileBytes) {
      throw new FileTooLargeError(name, maxFileBytes);
    }
    await this.#options.ready();
    const tmpKey = `${this.#options.keyPrefix}tmp:${randomUUID()}`;
    let size = 0;
    const write = async (chunk: Buffer) => {
      if (size === 0) await this.#client.set(tmpKey, chunk, 'EX', this.#options.uploadTtlSeconds);
      else await this.#client.append(tmpKey, chunk);
      size += chunk.length;
    };
    try {
      if (Buffer.isBuffer(content)) {
        for (let at = 0; at < content.length; at += chunkBytes) {
          await write(content.subarray(at, at + chunkBytes));
        }
      } else {
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        for await (const piece of content as AsyncIterable<Buffer | string>) {
          const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
          if (size + pendingBytes + chunk.length > maxFileBytes) {
            throw new FileTooLargeError(name, maxFileBytes);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= chunkBytes) {
            const batch = Buffer.concat(pending, pendingBytes);
            pending = [];
            pendingBytes = 0;
            await write(batch);
          }
        }
        if (pendingBytes > 0) await write(Buffer.concat(pending, pendingBytes));
      }
      if (size === 0) await this.#client.set(tmpKey, '', 'EX', this.#options.uploadTtlSeconds);
      const results = await this.#client
        .multi()
        .rename(tmpKey, this.#dataKey(name))
        .persist(this.#dataKey(name))
        .hset(this.#indexKey, name, `${size}:${randomUUID()}`)
        .exec();
      throwOnTransactionError(results);
      return { size };
    } catch (error) {
      await this.#client.del(tmpKey).catch(() => undefined);
      throw error;
    }
  }

  /** The whole file, or null when there is none. Prefer `stream` for large files. */
  async get(name: string): Promise<Buffer | null> {
    assertFileName(name);
    await this.#options.ready();
    return this.#client.getBuffer(this.#dataKey(name));
  }

  /** The file's size in bytes, or null when there is none. */
  async size(name: string): Promise<number | null> {
    assertFileName(name);
    await this.#options.ready();
    return parseEntry(await this.#client.hget(this.#indexKey, name))?.size ?? null;
  }

  /**
   * Which of `names` the files resource does not hold, in the order given:
   * one Redis command (HMGET of the index) whatever their number, none for
   * no names.
   */
  async missing(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    for (const name of names) assertFileName(name);
    await this.#options.ready();
    const entries = await this.#client.hmget(this.#indexKey, ...names);
    return names.filter((_, index) => parseEntry(entries[index]) === null);
  }

  /**
   * The file's content, read lazily in chunks of `chunkBytes` (memory stays
   * bounded whatever the size). The stream fails with FileNotFoundError when
   * there is no such file, and FileChangedError when it is replaced or deleted
   * while being read. Nothing is read from Redis until the stream is read.
   */
  stream(name: string): Readable {
    assertFileName(name);
    let entry: IndexEntry | undefined;
    let offset = 0;
    const next = async (): Promise<Buffer | null> => {
      if (entry === undefined) {
        await this.#options.ready();
        const found = parseEntry(await this.#client.hget(this.#indexKey, name));
        if (found === null) throw new FileNotFoundError(name);
        entry = found;
      }
      if (offset >= entry.size) return null;
      const end = Math.min(offset + this.#options.chunkBytes, entry.size) - 1;
      const results = await this.#client
        .multi()
        .hget(this.#indexKey, name)
        .getrangeBuffer(this.#dataKey(name), offset, end)
        .exec();
      throwOnTransactionError(results);
      const current = parseEntry(results?.[0]?.[1] as string | null);
      const chunk = results?.[1]?.[1] as Buffer | undefined;
      if (current?.version !== entry.version || chunk?.length !== end - offset + 1) {
        throw new FileChangedError(name);
      }
      offset += chunk.length;
      return chunk;
    };
    return new Readable({
      // One chunk in flight and at most one buffered.
      highWaterMark: 1,
      read() {
        next().then(
          (chunk) => this.push(chunk),
          (error: Error) => this.destroy(error),
        );
      },
    });
  }

  /** Every file with its size, sorted by name. */
  async list(): Promise<FileInfo[]> {
    await this.#options.ready();
    const index = await this.#client.hgetall(this.#indexKey);
    return Object.entries(index)
      .map(([name, value]) => ({ name, size: parseEntry(value)?.size ?? 0 }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Deletes the file; false when there was none. */
  async delete(name: string): Promise<boolean> {
    assertFileName(name);
    await this.#options.ready();
    const results = await this.#client
      .multi()
      .del(this.#dataKey(name))
      .hdel(this.#indexKey, name)
      .exec();
    throwOnTransactionError(results);
    return results?.some(([, removed]) => removed === 1) ?? false;
  }

  #dataKey(name: string): string {
    return `${this.#options.keyPrefix}data:${name}`;
  }
}

function parseEntry(value: string | null | undefined): IndexEntry | null {
  if (!value) return null;
  const colon = value.indexOf(':');
  return { size: Number(value.slice(0, colon)), version: value.slice(colon + 1) };
}

function throwOnTransactionError(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error('Redis transaction was aborted');
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
}
