import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import axios, { type AxiosInstance } from 'axios';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { FilesStore } from '../../shared/files/files-store.js';
import type { MultipartSpec } from '../../shared/task-schema.js';
import { createMultipartBody } from '../../worker/executor/request/multipart-body.js';
import type { RequestBody } from '../../worker/executor/request/request-body.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { TEST_REDIS_URL } from '../helpers/test-config.js';

// The connector's documented multipart examples ("Sending multipart POST requests").
const SEED_BASIC: MultipartSpec = {
  parts: [
    { name: 'string-field', value: 'spam & eggs' },
    { name: 'file', file: 'report.txt' },
  ],
};
const SEED_FULL: MultipartSpec = {
  'content-type': 'application/my-custom-content-type',
  boundary: 'my-custom-boundary',
  parts: [
    {
      name: 'string-field',
      value: '<pre>spam & eggs</pre>',
      'content-type': 'text/html',
      'content-disposition': false,
      'content-length': false,
    },
    { name: 'file', file: 'report.txt', 'content-disposition': 'form-data; filename="report.txt"' },
  ],
};
// 608 bytes, as the connector's report.txt.
const REPORT = 'quarterly report, all figures in EUR\n'.repeat(17).slice(0, 608);
const CRLF = '\r\n';

interface Received {
  /** Header names and values in the order and case they were sent. */
  rawHeaders: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let redis: Redis;
let files: FilesStore;
let keyPrefix: string;
let server: HttpTestServer;
let clients: { name: string; client: AxiosInstance; close(): Promise<void> }[] = [];
const received: Received[] = [];

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL);
  keyPrefix = `{taskrest-test}:test-${randomUUID()}:files:`;
  files = new FilesStore(redis, { keyPrefix });
  await files.put('report.txt', Buffer.from(REPORT));
  server = await startHttpTestServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.end('ok');
    });
  });
  clients = await createClients();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/**
 * axios' own Node adapter, and the project's undici adapter when it is there:
 * every body goes through each, and each must deliver the same bytes.
 */
async function createClients(): Promise<typeof clients> {
  // maxRedirects 0: follow-redirects would keep a copy of the whole body.
  const all = [
    {
      name: 'axios-http',
      client: axios.create({ maxRedirects: 0 }),
      close: () => Promise.resolve(),
    },
  ];
  try {
    const { createUndiciAdapter } =
      await import('../../worker/executor/transport/undici-adapter.js');
    const undici = createUndiciAdapter();
    all.push({
      name: 'undici',
      client: axios.create({ adapter: undici.adapter }),
      close: () => undici.close(),
    });
  } catch {
    // Not there (yet): axios' adapter alone.
  }
  return all;
}

/** Sends one attempt of `body` through each client and returns what the server received. */
async function send(body: RequestBody): Promise<Received> {
  let first: Received | undefined;
  for (const { name, client } of clients) {
    const before = received.length;
    await client.post(server.url, body.create(), { headers: { ...body.headers } });
    expect(received.length, name).toBe(before + 1);
    const got = received[received.length - 1]!;
    // Exactly the announced bytes arrived, not chunked.
    expect(got.headers['transfer-encoding'], name).toBeUndefined();
    expect(got.headers['content-length'], name).toBe(body.headers['content-length']);
    expect(got.body.length, name).toBe(Number(body.headers['content-length']));
    if (first) expect(got.body.equals(first.body), name).toBe(true);
    first ??= got;
  }
  return first!;
}

async function bytesOf(body: RequestBody): Promise<Buffer> {
  const created = body.create();
  if (typeof created === 'string') return Buffer.from(created);
  if (Buffer.isBuffer(created)) return created;
  const chunks: Buffer[] = [];
  for await (const chunk of created as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function part(boundary: string, headers: string[], content: string): string {
  return [`--${boundary}`, ...headers, '', content].join(CRLF) + CRLF;
}

function headerBlocks(body: string, boundary: string): string[][] {
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => p.slice(CRLF.length, p.indexOf(CRLF + CRLF)).split(CRLF));
}

describe('createMultipartBody on the wire', () => {
  it('sends the TaskREST basic example as the connector lays it out', async () => {
    const body = await createMultipartBody(SEED_BASIC, files);
    const got = await send(body);
    const type = /^multipart\/mixed; boundary=([0-9a-f]{32})$/.exec(
      got.headers['content-type'] ?? '',
    );
    expect(type).not.toBeNull();
    const boundary = type![1]!;
    const expected =
      part(
        boundary,
        [
          'Content-Type: text/plain; charset=utf-8',
          'Content-Disposition: form-data; name="string-field"',
          'Content-Length: 11',
        ],
        'spam & eggs',
      ) +
      part(
        boundary,
        [
          'Content-Type: text/plain; charset=utf-8',
          'Content-Disposition: form-data; name="file"; filename="report.txt"',
          'Content-Length: 608',
        ],
        REPORT,
      ) +
      `--${boundary}--${CRLF}`;
    expect(got.body.toString('utf8')).toBe(expected);
    // The connector's documentation prints Content-Length '991' here, yet its own listing adds up to
    // 981 bytes with the layout that makes its second example exactly 848 (below).
    expect(got.body.length).toBe(981);
  });

  it('sends the TaskREST full example byte for byte, 848 bytes as its documentation says', async () => {
    const body = await createMultipartBody(SEED_FULL, files);
    const got = await send(body);
    expect(got.headers['content-type']).toBe(
      'application/my-custom-content-type; boundary=my-custom-boundary',
    );
    const expected =
      part('my-custom-boundary', ['Content-Type: text/html'], '<pre>spam & eggs</pre>') +
      part(
        'my-custom-boundary',
        [
          'Content-Type: text/plain; charset=utf-8',
          'Content-Disposition: form-data; filename="report.txt"',
          'Content-Length: 608',
        ],
        REPORT,
      ) +
      `--my-custom-boundary--${CRLF}`;
    expect(got.body.toString('utf8')).toBe(expected);
    expect(body.headers['content-length']).toBe('848');
  });

  it.each([
    ['content-type', 'application/xml', 0, 'Content-Type: application/xml'],
    [
      'content-disposition',
      'attachment; filename="x.txt"',
      1,
      'Content-Disposition: attachment; filename="x.txt"',
    ],
    ['content-length', 99, 2, 'Content-Length: 99'],
    ['content-length', '12345', 2, 'Content-Length: 12345'],
  ] as const)('overrides %s with %j', async (header, value, at, line) => {
    const spec: MultipartSpec = {
      boundary: 'b0undary',
      parts: [
        { name: 'v', value: 'text', [header]: value },
        { name: 'f', file: 'report.txt', [header]: value },
      ],
    };
    const got = await send(await createMultipartBody(spec, files));
    for (const block of headerBlocks(got.body.toString('utf8'), 'b0undary')) {
      expect(block[at]).toBe(line);
      expect(block).toHaveLength(3);
    }
  });

  it.each(['content-type', 'content-disposition', 'content-length'] as const)(
    'omits %s when it is false, keeping the order of the others',
    async (header) => {
      const spec: MultipartSpec = {
        boundary: 'b0undary',
        parts: [
          { name: 'v', value: 'text', [header]: false },
          { name: 'f', file: 'report.txt', [header]: false },
        ],
      };
      const got = await send(await createMultipartBody(spec, files));
      const blocks = headerBlocks(got.body.toString('utf8'), 'b0undary');
      const order = ['Content-Type', 'Content-Disposition', 'Content-Length'].filter(
        (h) => h.toLowerCase() !== header,
      );
      for (const block of blocks) {
        expect(block.map((line) => line.slice(0, line.indexOf(':')))).toEqual(order);
      }
    },
  );

  it('omits every part header when all are false', async () => {
    const spec: MultipartSpec = {
      boundary: 'b0undary',
      parts: [
        {
          name: 'v',
          value: 'text',
          'content-type': false,
          'content-disposition': false,
          'content-length': false,
        },
      ],
    };
    const got = await send(await createMultipartBody(spec, files));
    expect(got.body.toString('utf8')).toBe(
      `--b0undary${CRLF}${CRLF}text${CRLF}--b0undary--${CRLF}`,
    );
  });

  it('takes a custom content-type alone, a boundary alone, and a boundary inside the content-type', async () => {
    const typeOnly = await createMultipartBody(
      { 'content-type': 'multipart/form-data', parts: [] },
      files,
    );
    expect(typeOnly.headers['content-type']).toMatch(
      /^multipart\/form-data; boundary=[0-9a-f]{32}$/,
    );
    const boundaryOnly = await createMultipartBody({ boundary: 'xyz', parts: [] }, files);
    expect(boundaryOnly.headers['content-type']).toBe('multipart/mixed; boundary=xyz');
    const quoted = await createMultipartBody({ boundary: "it's: here", parts: [] }, files);
    expect(quoted.headers['content-type']).toBe(`multipart/mixed; boundary="it's: here"`);
    const inside = await createMultipartBody(
      {
        'content-type': 'multipart/related; boundary=abc; type="text/xml"',
        parts: [{ name: 'a', value: '1' }],
      },
      files,
    );
    expect(inside.headers['content-type']).toBe('multipart/related; boundary=abc; type="text/xml"');
    expect((await send(inside)).body.toString('utf8')).toMatch(/^--abc\r\n[\s\S]*\r\n--abc--\r\n$/);
  });

  it('sends a part list without parts as the close delimiter alone', async () => {
    const got = await send(await createMultipartBody({ boundary: 'nothing', parts: [] }, files));
    expect(got.body.toString('utf8')).toBe(`--nothing--${CRLF}`);
  });

  it('types file parts by extension and sends binary and empty files intact', async () => {
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await files.put('data/all-bytes.bin', binary);
    await files.put('empty.json', Buffer.alloc(0));
    const spec: MultipartSpec = {
      boundary: 'b0undary',
      parts: [
        { name: 'bin', file: 'data/all-bytes.bin' },
        { name: 'json', file: 'empty.json' },
      ],
    };
    const got = await send(await createMultipartBody(spec, files));
    const head = (type: string, name: string, file: string, length: number) =>
      Buffer.from(
        `--b0undary${CRLF}Content-Type: ${type}${CRLF}` +
          `Content-Disposition: form-data; name="${name}"; filename="${file}"${CRLF}` +
          `Content-Length: ${length}${CRLF}${CRLF}`,
      );
    const expected = Buffer.concat([
      head('application/octet-stream', 'bin', 'all-bytes.bin', 256),
      binary,
      Buffer.from(CRLF),
      head('application/json', 'json', 'empty.json', 0),
      Buffer.from(`${CRLF}--b0undary--${CRLF}`),
    ]);
    expect(got.body.equals(expected)).toBe(true);
  });

  it('quotes names safely and refuses header values with CR or LF', async () => {
    const spec: MultipartSpec = {
      boundary: 'b',
      parts: [{ name: 'a"b\r\nX-Evil: 1', value: 'v' }],
    };
    const text = (await bytesOf(await createMultipartBody(spec, files))).toString('utf8');
    expect(text).toContain('Content-Disposition: form-data; name="a%22b%0D%0AX-Evil: 1"\r\n');
    await expect(
      createMultipartBody(
        { parts: [{ name: 'a', value: 'v', 'content-type': 'text/plain\r\nX-Evil: 1' }] },
        files,
      ),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_TASK,
      message: expect.stringContaining('multipart.parts.0.content-type'),
    });
    await expect(
      createMultipartBody({ 'content-type': 'multipart/mixed\nX: 1', parts: [] }, files),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_TASK });
    await expect(
      createMultipartBody(
        { boundary: 'b', parts: [{ name: 'a', value: 'x\r\n--b--\r\n' }] },
        files,
      ),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_TASK,
      message: expect.stringContaining('boundary'),
    });
    await expect(
      createMultipartBody({ parts: [{ name: 'f', file: '../etc/passwd' }] }, files),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_TASK,
      message: expect.stringContaining('multipart.parts.0.file'),
    });
  });

  it('rebuilds identical bytes for every attempt, and can send it again', async () => {
    const body = await createMultipartBody(SEED_BASIC, files);
    const first = await bytesOf(body);
    const second = await bytesOf(body);
    expect(second.equals(first)).toBe(true);
    expect(first.length).toBe(Number(body.headers['content-length']));
    const sent1 = await send(body);
    const sent2 = await send(body);
    expect(sent1.body.equals(first)).toBe(true);
    expect(sent2.body.equals(first)).toBe(true);
  });

  it('fails with FILE_NOT_FOUND naming the part and the file, before anything is sent', async () => {
    const before = received.length;
    const spec: MultipartSpec = { parts: [{ name: 'file', file: 'report-missing.txt' }] };
    await expect(createMultipartBody(spec, files)).rejects.toMatchObject({
      name: 'TaskError',
      code: ErrorCode.FILE_NOT_FOUND,
      message: 'multipart part "file": file "report-missing.txt" not found in the files resource',
    });
    expect(received.length).toBe(before);
  });

  it('fails the attempt, rather than send a malformed body, when the file changed size since', async () => {
    await files.put('changing.txt', Buffer.from('short'));
    const body = await createMultipartBody({ parts: [{ name: 'f', file: 'changing.txt' }] }, files);
    await files.put('changing.txt', Buffer.from('a good deal longer now'));
    await expect(bytesOf(body)).rejects.toMatchObject({ code: 'FILE_CHANGED' });
  });

  it('opens no file before create() is read, and stops reading when the stream is destroyed', async () => {
    const opened: string[] = [];
    const source = {
      size: (name: string) => files.size(name),
      stream: (name: string): Readable => {
        opened.push(name);
        return files.stream(name);
      },
    };
    const body = await createMultipartBody(SEED_BASIC, source);
    expect(opened).toEqual([]);
    const stream = body.create() as Readable;
    expect(opened).toEqual([]);
    stream.destroy();
    expect(stream.destroyed).toBe(true);
  });
});
