/**
 * Resolves when `signal` aborts (SIGINT/SIGTERM), or at once when it has
 * already: a signal that came while the process was still starting (an
 * embedded history takes seconds to open) must stop it, not be missed.
 */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
