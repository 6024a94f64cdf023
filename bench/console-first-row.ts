/**
 * `npm run bench:console [-- --records N] [--loads N] [--watch-seconds N] [--keep] [--reuse]`:
 * the console's Executions view over the history bench's million records
 * (bench/history-database.ts: loaded through the recorder, or reused with
 * --reuse), served by the API in this process on loopback without
 * API_TOKENS, in Debian's headless chromium (CHROMIUM, else `chromium`
 * on PATH) through playwright-core.
 *
 * First row: `--loads` loads (10) of `/#/executions`, each in a fresh
 * browser context (nothing cached), after one untimed load; the time from
 * navigation start to the frame that paints the first row of the table,
 * median and worst. Target: under 1 s.
 *
 * Responsiveness: one page stays on the view for `--watch-seconds` (30)
 * while new executions arrive (records appended to the streams at 50 a
 * second and recorded by a recorder, as `taskrest api` runs one) and the
 * view reads its first page again every 5 s; a key press or a click every
 * 250 ms. Reports the main thread's long tasks (max, count, total) and each
 * input's delay to its handler and to the next frame (max, p95), and the
 * Event Timing entries of 16 ms and more. The records it added are deleted
 * after. Writes bench/results/console-scale.json with the load average.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PostgresClient } from '../history/postgres-client.js';
import { startBenchApi } from './bench-api.js';
import { findChromium } from './chromium-path.js';
import {
  FIRST_ROW_PAINTED,
  PROBE_SCRIPT,
  READ_BREAKDOWN,
  READ_PROBE,
  type LoadBreakdown,
  type ProbeReadings,
} from './console-probe.js';
import { openBenchHistory, type BenchHistory } from './history-database.js';
import { appendRecords, benchRecorder } from './history-load.js';
import { recordAt } from './history-records.js';
import { median, percentile, round } from './stats.js';
import { numberOption, runHeader } from './bench-args.js';

const RECORDS = numberOption('--records', 1_000_000);
const LOADS = numberOption('--loads', 10);
const WATCH_SECONDS = numberOption('--watch-seconds', 30);
const ARRIVALS_PER_S = 50;
const VIEWPORT = { width: 1280, height: 800 };
/** The ids of the executions that arrive while the view is watched. */
const LIVE_PREFIX = 'live-';

/**
 * Waits until the probe saw the first row painted. Polled with `evaluate`
 * (the DevTools protocol's own evaluation): `waitForFunction` with a string
 * runs it through `eval`, which the console's Content-Security-Policy forbids.
 */
async function firstRowPainted(page: Page): Promise<void> {
  const until = Date.now() + 30_000;
  while (!(await page.evaluate(FIRST_ROW_PAINTED))) {
    if (Date.now() > until) throw new Error('no row painted in 30 s');
    await sleep(20);
  }
}

/** One load of the view in a fresh context: ms to the first row painted, and to it in the DOM. */
async function timeLoad(browser: Browser, url: string) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.addInitScript(PROBE_SCRIPT);
    await page.goto(`${url}/#/executions`);
    await firstRowPainted(page);
    const probe = await page.evaluate<ProbeReadings>(READ_PROBE);
    const breakdown = await page.evaluate<LoadBreakdown>(READ_BREAKDOWN);
    return {
      first_row_ms: round(probe.firstRow!, 1),
      row_in_dom_ms: round(probe.rowInDom!, 1),
      ...(Object.fromEntries(
        Object.entries(breakdown).map(([k, v]) => [k, typeof v === 'number' ? round(v, 1) : null]),
      ) as unknown as LoadBreakdown),
    };
  } finally {
    await context.close();
  }
}

/** Appends ARRIVALS_PER_S records a second, ending now, until `stop` is set. */
async function arrive(history: BenchHistory, stop: { now: boolean }): Promise<number> {
  let n = 0;
  while (!stop.now) {
    const records = Array.from({ length: ARRIVALS_PER_S / 10 }, () =>
      recordAt(n++, Date.now(), LIVE_PREFIX),
    );
    await appendRecords(history.redis, records);
    await sleep(100);
  }
  return n;
}

/** Presses a key or clicks the heading every 250 ms for `seconds`; answers the first rows seen. */
async function poke(page: Page, seconds: number): Promise<Set<string>> {
  const firstRows = new Set<string>();
  const heading = page.locator('h1');
  const until = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < until; i++) {
    if (i % 2 === 0) await page.keyboard.press('Shift');
    else await heading.click();
    firstRows.add(
      (await page.locator('table[aria-label="Executions"] tbody tr th').first().textContent()) ??
        '',
    );
    await sleep(250);
  }
  return firstRows;
}

/** Watches one page for WATCH_SECONDS while executions arrive and the view refreshes. */
async function watch(browser: Browser, url: string, history: BenchHistory) {
  const own = history.redis.duplicate();
  const recorder = benchRecorder(own, history.store).start();
  const stop = { now: false };
  const arrivals = arrive(history, stop);
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    let refreshes = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/executions') refreshes += 1;
    });
    await page.addInitScript(PROBE_SCRIPT);
    await page.goto(`${url}/#/executions`);
    await firstRowPainted(page);
    const firstRows = await poke(page, WATCH_SECONDS);
    await sleep(100);
    const probe = await page.evaluate<ProbeReadings>(READ_PROBE);
    return { probe, refreshes, firstRows: firstRows.size };
  } finally {
    stop.now = true;
    const arrived = await arrivals;
    console.log(`  ${arrived} executions arrived while watching`);
    await context.close();
    await recorder.stop();
    own.disconnect();
  }
}

/** The watch's figures, rounded. */
function watchSummary(w: Awaited<ReturnType<typeof watch>>) {
  const long = w.probe.longTasks.filter((t) => t.start > (w.probe.firstRow ?? 0));
  const delays = w.probe.inputs.map((i) => i.delay);
  const toPaint = w.probe.inputs.map((i) => i.toPaint);
  return {
    seconds: WATCH_SECONDS,
    arrivals_per_s: ARRIVALS_PER_S,
    list_reads: w.refreshes,
    distinct_first_rows_seen: w.firstRows,
    long_tasks_after_first_row: {
      count: long.length,
      max_ms: round(Math.max(0, ...long.map((t) => t.duration)), 1),
      total_ms: round(
        long.reduce((sum, t) => sum + t.duration, 0),
        1,
      ),
    },
    long_tasks_during_load_max_ms: round(
      Math.max(0, ...w.probe.longTasks.map((t) => t.duration)),
      1,
    ),
    inputs: w.probe.inputs.length,
    input_delay_ms: { p95: round(percentile(delays, 95), 1), max: round(Math.max(...delays), 1) },
    input_to_next_frame_ms: {
      p95: round(percentile(toPaint, 95), 1),
      max: round(Math.max(...toPaint), 1),
      over_50: toPaint.filter((ms) => ms > 50).length,
    },
    event_timing_entries_16ms_or_more: w.probe.events.length,
    event_timing_max_ms: round(Math.max(0, ...w.probe.events.map((e) => e.duration)), 1),
  };
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const history = await openBenchHistory(RECORDS, process.argv.includes('--reuse'), (line) =>
    console.log(line),
  );
  const api = await startBenchApi(history.redisServer.url, history.store);
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    await timeLoad(browser, api.url);
    const loads = [];
    for (let i = 0; i < LOADS; i++) {
      loads.push(await timeLoad(browser, api.url));
      console.log(`  load ${i + 1}: first row painted at ${loads.at(-1)!.first_row_ms} ms`);
    }
    const firstRow = loads.map((l) => l.first_row_ms);
    console.log(`watching the view for ${WATCH_SECONDS} s while executions arrive`);
    const watched = watchSummary(await watch(browser, api.url, history));
    const results = {
      ...runHeader(loadBefore),
      chromium: browser.version(),
      records: RECORDS,
      database_reused: history.reused,
      first_row: {
        loads: LOADS,
        median_ms: median(firstRow),
        worst_ms: Math.max(...firstRow),
        target_ms: 1000,
        each: loads,
      },
      while_updating: watched,
    };
    console.log(JSON.stringify({ first_row: results.first_row, while_updating: watched }, null, 2));
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/console-scale.json', `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await browser.close();
    await api.close();
    await forgetArrivals(history.url);
    await history.close(process.argv.includes('--keep'));
  }
}

/** Deletes the executions that arrived while watching: a reused database stays as loaded. */
async function forgetArrivals(url: string): Promise<void> {
  const client = new PostgresClient(url, { max: 1 });
  try {
    await client.query(`DELETE FROM executions WHERE execution_id LIKE '${LIVE_PREFIX}%'`);
  } finally {
    await client.close();
  }
}

await main();
