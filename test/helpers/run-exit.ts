/**
 * What the run started for itself must not outlive it. vitest's teardown
 * does not run when the run is interrupted (Ctrl-C, SIGTERM): vitest then
 * calls `process.exit()`, and only `exit` handlers run, synchronously. So
 * each thing the global setup starts also leaves a synchronous stop here.
 */
const stoppers = new Set<() => void>();

const SIGNAL_CODES = { SIGINT: 2, SIGTERM: 15 } as const;

function stopAll(): void {
  for (const stop of [...stoppers]) {
    stoppers.delete(stop);
    try {
      stop();
    } catch {
      // The others are stopped all the same.
    }
  }
}

function onSignal(signal: keyof typeof SIGNAL_CODES): void {
  stopAll();
  // vitest's own handler exits; without one, a handled signal would leave the process running.
  if (process.listenerCount(signal) === 0) {
    process.exitCode ??= 128 + SIGNAL_CODES[signal];
    setTimeout(() => process.exit(), 100).unref();
  }
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', stopAll);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/**
 * Runs `stopNow` (synchronous) if the process exits or is interrupted
 * before the returned function is called (the orderly stop ran).
 */
export function stopOnExit(stopNow: () => void): () => void {
  install();
  stoppers.add(stopNow);
  return () => stoppers.delete(stopNow);
}
