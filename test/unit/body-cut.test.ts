import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cutAt } from '../../worker/executor/transport/body-cut.js';
import { decodePrefix } from '../../worker/executor/transport/decompress-body.js';

describe('cutAt: a cut body ends on a whole UTF-8 character', () => {
  it('keeps the first bytes of ASCII as they are', () => {
    expect(cutAt(Buffer.from('abcdef'), 4).toString()).toBe('abcd');
    expect(cutAt(Buffer.from('ab'), 4).toString()).toBe('ab');
  });

  it.each([
    ['é', 2],
    ['€', 3],
    ['😀', 4],
  ])('drops a %s the cut would split, and keeps a whole one', (char, size) => {
    const body = Buffer.from(`ab${char}cd`);
    for (let split = 1; split < size; split++) {
      expect(cutAt(body, 2 + split).toString()).toBe('ab');
    }
    expect(cutAt(body, 2 + size).toString()).toBe(`ab${char}`);
  });

  it('keeps a body cut where it stopped coming, but for a split last character', () => {
    const stalled = Buffer.from('{"ok":"€').subarray(0, 9);
    expect(cutAt(stalled, 65_536).toString()).toBe('{"ok":"');
  });
});

describe('decodePrefix: the first bytes of a compressed answer', () => {
  const text = 'x'.repeat(1024 * 1024);

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const)('%s: stops at the limit, cut', async (encoding, compress) => {
    const { data, cut } = await decodePrefix(encoding, compress(text), 64 * 1024);
    expect(cut).toBe(true);
    expect(data.toString()).toBe('x'.repeat(64 * 1024));
  });

  it('gives a body within the limit whole, not cut', async () => {
    const { data, cut } = await decodePrefix('gzip', gzipSync('hello'), 64 * 1024);
    expect({ text: data.toString(), cut }).toEqual({ text: 'hello', cut: false });
  });

  it('gives what decoded of a body that broke off, cut, rather than an error', async () => {
    const broken = gzipSync(text).subarray(0, 200);
    const { data, cut } = await decodePrefix('gzip', broken, 64 * 1024);
    expect(cut).toBe(true);
    expect(data.length).toBeGreaterThan(0);
    expect(/^x+$/.test(data.toString())).toBe(true);
  });

  it('passes an unknown encoding on as it came', async () => {
    const body = Buffer.from('as it came');
    expect(await decodePrefix('zstd-ish', body, 4)).toEqual({ data: body, cut: false });
  });
});
