import { useLayoutEffect, useState } from 'preact/hooks';

/** What a polled read shows: its last answer, or the error of its last try. */
export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
}

/**
 * Reads `load` now and every `everyMs` while the view is open (again from
 * the start when `key` changes); a read still running is never overlapped.
 * The first read is sent as the view is rendered (a layout effect), not
 * after the next frame as a plain effect would be: on a busy machine the
 * wait for that frame was a good part of the time to a view's first rows.
 */
export function usePolling<T>(load: () => Promise<T>, key: string, everyMs = 5000): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined });
  useLayoutEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      try {
        const data = await load();
        if (!stopped) setState({ data, error: undefined });
      } catch (e) {
        if (!stopped) setState((s) => ({ data: s.data, error: String(e) }));
      }
      if (!stopped) timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // `load` is a new closure on every render: `key` says when what it reads changed.
  }, [key, everyMs]);
  return state;
}
