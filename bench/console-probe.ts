/**
 * What the console bench measures inside the page, installed before the
 * console's own script runs (Playwright's addInitScript): when the first
 * row of the Executions table is painted, the main thread's long tasks,
 * and how long each key press or click took to be handled and painted.
 * Plain JavaScript in a string: it runs in the browser, not in Node.
 */

/** What the probe gathered, read back with `page.evaluate(READ_PROBE)`. */
export interface ProbeReadings {
  /** ms from navigation start to the frame that paints the first row; null until then. */
  firstRow: number | null;
  /** ms from navigation start to the first row being in the DOM. */
  rowInDom: number | null;
  longTasks: { start: number; duration: number }[];
  /** Per input: ms from the event to its handler (delay) and to the next frame (toPaint). */
  inputs: { delay: number; toPaint: number }[];
  /** Event Timing entries of 16 ms and more: input to next paint, as the browser counts it. */
  events: { name: string; duration: number; delay: number }[];
}

/** The probe: sets `window.__probe` (ProbeReadings) and keeps it up to date. */
export const PROBE_SCRIPT = `(() => {
  const probe = { firstRow: null, rowInDom: null, longTasks: [], inputs: [], events: [] };
  window.__probe = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      probe.events.push({ name: e.name, duration: e.duration, delay: e.processingStart - e.startTime });
    }
  }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  const rows = new MutationObserver(() => {
    if (!document.querySelector('table[aria-label="Executions"] tbody tr')) return;
    rows.disconnect();
    probe.rowInDom = performance.now();
    // The frame the row is painted in: rendering follows this callback.
    requestAnimationFrame(() => { probe.firstRow = performance.now(); });
  });
  rows.observe(document, { childList: true, subtree: true });
  const input = (event) => {
    const handled = performance.now();
    requestAnimationFrame(() => setTimeout(() => probe.inputs.push({
      delay: handled - event.timeStamp,
      toPaint: performance.now() - event.timeStamp,
    })));
  };
  addEventListener('keydown', input, true);
  addEventListener('click', input, true);
})();`;

/** An expression that reads the probe. */
export const READ_PROBE = 'window.__probe';

/** An expression true once the first row is painted. */
export const FIRST_ROW_PAINTED = 'window.__probe && window.__probe.firstRow !== null';

/** Where a load's time went, from the Navigation and Resource Timing entries (ms from navigation start). */
export interface LoadBreakdown {
  document_ms: number;
  dom_content_loaded_ms: number;
  first_contentful_paint_ms: number | null;
  /** The console's access check (`GET /api/queues`, before any view): sent, and answered. */
  access_check_start_ms: number | null;
  access_check_end_ms: number | null;
  /** The first `GET /api/executions`: when it was sent, and when its answer was in. */
  list_request_start_ms: number | null;
  list_response_end_ms: number | null;
}

/** An expression answering the load's LoadBreakdown. */
export const READ_BREAKDOWN = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const first = (path) => performance.getEntriesByType('resource')
    .find((e) => new URL(e.name).pathname === path);
  const list = first('/api/executions');
  const access = first('/api/queues');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    document_ms: nav.responseEnd,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    first_contentful_paint_ms: fcp ? fcp.startTime : null,
    access_check_start_ms: access ? access.startTime : null,
    access_check_end_ms: access ? access.responseEnd : null,
    list_request_start_ms: list ? list.startTime : null,
    list_response_end_ms: list ? list.responseEnd : null,
  };
})()`;
