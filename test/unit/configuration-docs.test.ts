import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_TABLE, configurationRows } from '../../shared/config-variables.js';
import { loadConfig } from '../../shared/config.js';
import {
  documentedDefaults,
  documentedRows,
  renderConfigurationTable,
} from '../helpers/configuration-table.js';

const docs = new URL('../../docs/configuration.md', import.meta.url);

/**
 * docs/configuration.md against the one table of variables
 * (shared/config-variables.ts): every variable documented with the default
 * its parser really has, and nothing documented that taskrest does not read.
 * On a mismatch the message carries the generated table to paste in.
 */
describe('docs/configuration.md', () => {
  const text = existsSync(docs) ? readFileSync(docs, 'utf8') : '';
  const rows = documentedRows(text);
  const hint = `\n\nthe table, generated from shared/config-variables.ts:\n\n${renderConfigurationTable()}\n`;

  it('exists and has a variable | default | meaning table', () => {
    expect(existsSync(docs), 'docs/configuration.md is missing').toBe(true);
    expect(rows.length, hint).toBeGreaterThan(0);
  });

  it('documents every variable taskrest reads, and only those', () => {
    const documented = rows.flatMap((r) => r.names).sort();
    expect(documented, hint).toEqual(Object.keys(CONFIG_TABLE).sort());
  });

  it('shows each default as the parser has it', () => {
    const shown = new Map(rows.flatMap((r) => [...documentedDefaults(r)]));
    for (const row of configurationRows()) {
      expect(shown.get(row.name), `${row.name}${hint}`).toBe(row.default);
    }
  });
});

describe('the table of variables', () => {
  it('is what the loader reads: every default in it is the loaded default', () => {
    const config = loadConfig({});
    expect(config.workerConcurrency).toBe(CONFIG_TABLE.WORKER_CONCURRENCY.parser.parse(undefined));
    expect(config.redisUrl).toBe(CONFIG_TABLE.REDIS_URL.parser.parse(undefined));
    expect(config.maxResponseBytes).toBe(10 * 1024 * 1024);
    expect(configurationRows().find((r) => r.name === 'TASKREST_MAX_RESPONSE_BYTES')?.default).toBe(
      '`10485760` (10 MiB)',
    );
  });

  it('names a meaning for every variable', () => {
    for (const row of configurationRows()) expect(row.meaning, row.name).not.toBe('');
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig({ WORKER_CONCURRENCY: 'many' })).toThrow(/WORKER_CONCURRENCY/);
  });
});
