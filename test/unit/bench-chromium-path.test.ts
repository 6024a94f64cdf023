/** The console bench's chromium (bench/chromium-path.ts): CHROMIUM, else the first on PATH. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../bench/chromium-path.js';

const root = mkdtempSync(join(tmpdir(), 'chromium-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dirWith(name: string, executable: boolean): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'chromium'), '#!/bin/sh\n');
  chmodSync(join(dir, 'chromium'), executable ? 0o755 : 0o644);
  return dir;
}

describe('findChromium', () => {
  it('takes CHROMIUM as it is', () => {
    expect(findChromium({ CHROMIUM: '/opt/chromium', PATH: '' })).toBe('/opt/chromium');
  });

  it('takes the first executable chromium on PATH', () => {
    const notExecutable = dirWith('a', false);
    const found = dirWith('b', true);
    const later = dirWith('c', true);
    const PATH = [join(root, 'missing'), notExecutable, found, later].join(':');
    expect(findChromium({ PATH })).toBe(join(found, 'chromium'));
  });

  it('says what to install when there is none', () => {
    expect(() => findChromium({ PATH: join(root, 'missing') })).toThrow(/apt-get install chromium/);
  });
});
