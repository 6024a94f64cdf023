import { useEffect, useRef, useState } from 'preact/hooks';
import { callApi } from './api-client.js';
import {
  countFailed,
  replayAll,
  type Counted,
  type ReplayTally,
  type ReplayTarget,
  type Skipped,
} from './bulk-replay.js';
import type { Filters } from './execution-filters.js';
import { hrefOf } from './route.js';

/** Where a bulk replay stands. */
type Step =
  | { readonly kind: 'idle' }
  | { readonly kind: 'counting'; readonly seen: number }
  | { readonly kind: 'confirm'; readonly counted: Counted }
  | { readonly kind: 'replaying' | 'done'; readonly tally: ReplayTally }
  | { readonly kind: 'failed'; readonly message: string };

const IDLE: Step = { kind: 'idle' };

/**
 * "Replay failed…" for the executions the list's filters select: counts
 * them, asks to confirm the count, then replays them and shows how far it
 * got, and what was skipped and why. Focus follows the step (the button to
 * press next), so the whole flow works from the keyboard.
 */
export function BulkReplayPanel({ filters }: { filters: Filters }) {
  const [step, setStep] = useState<Step>(IDLE);
  const running = useRef<AbortController | null>(null);
  const next = useRef<HTMLButtonElement>(null);
  /** Focus moves only after the user acted here, never when the view opens. */
  const acted = useRef(false);
  useEffect(() => {
    if (acted.current) next.current?.focus();
  }, [step.kind]);
  // Leaving the view (or changing the filters) stops what is under way.
  useEffect(() => () => running.current?.abort(), []);

  function begin(): AbortSignal {
    acted.current = true;
    running.current?.abort();
    running.current = new AbortController();
    return running.current.signal;
  }

  async function count(): Promise<void> {
    const signal = begin();
    setStep({ kind: 'counting', seen: 0 });
    try {
      const onSeen = (seen: number): void => {
        if (!signal.aborted) setStep({ kind: 'counting', seen });
      };
      const counted = await countFailed(filters, { call: callApi, signal, onSeen });
      if (!signal.aborted) setStep({ kind: 'confirm', counted });
    } catch (e) {
      if (!signal.aborted) setStep({ kind: 'failed', message: messageOf(e) });
    }
  }

  async function replay(targets: ReplayTarget[]): Promise<void> {
    const signal = begin();
    const onProgress = (tally: ReplayTally): void => {
      if (running.current?.signal === signal) setStep({ kind: 'replaying', tally });
    };
    setStep({
      kind: 'replaying',
      tally: { total: targets.length, replayed: 0, skipped: [], errors: [] },
    });
    const tally = await replayAll(targets, { call: callApi, signal, onProgress });
    // Stopped: what was sent stays sent, and the tally says how far it got.
    if (running.current?.signal === signal) {
      setStep({
        kind: 'done',
        tally: signal.aborted ? { ...tally, stopped: 'Stop was pressed' } : tally,
      });
    }
  }

  /** Stops a replay under way; it ends once the calls in flight are answered. */
  function stop(): void {
    acted.current = true;
    running.current?.abort();
  }

  function close(): void {
    acted.current = true;
    running.current?.abort();
    running.current = null;
    setStep(IDLE);
  }

  return (
    <section aria-label="Bulk replay" class="actions">
      <Controls step={step} next={next} on={{ count, replay, stop, close }} />
      <p role="status">{statusOf(step)}</p>
      {(step.kind === 'replaying' || step.kind === 'done') && <Left tally={step.tally} />}
    </section>
  );
}

interface ControlsProps {
  readonly step: Step;
  /** The button to press next: it takes the focus when the step changes. */
  readonly next: { current: HTMLButtonElement | null };
  readonly on: {
    readonly count: () => Promise<void>;
    readonly replay: (targets: ReplayTarget[]) => Promise<void>;
    readonly stop: () => void;
    readonly close: () => void;
  };
}

function Controls({ step, next, on }: ControlsProps) {
  const button = (label: string, action: () => unknown, primary = true) => (
    <button type="button" ref={primary ? next : undefined} onClick={() => void action()}>
      {label}
    </button>
  );
  switch (step.kind) {
    case 'idle':
      return button('Replay failed…', on.count);
    case 'counting':
      return button('Cancel', on.close);
    case 'confirm':
      return step.counted.targets.length === 0 ? (
        button('Close', on.close)
      ) : (
        <>
          {button('Confirm', () => on.replay(step.counted.targets))}
          {button('Cancel', on.close, false)}
        </>
      );
    case 'replaying':
      return button('Stop', on.stop);
    default:
      return button('Close', on.close);
  }
}

/** What the status line says at each step (read out by screen readers as it changes). */
function statusOf(step: Step): string {
  switch (step.kind) {
    case 'idle':
      return '';
    case 'counting':
      return `Counting failed executions… ${step.seen} so far`;
    case 'confirm': {
      const { targets, notFailed } = step.counted;
      const n = targets.length;
      const match =
        n === 0
          ? 'No failed executions match'
          : `${n} failed ${n === 1 ? 'execution matches' : 'executions match'}`;
      return notFailed === 0
        ? match
        : `${match} (${notFailed} more listed failed no longer: run again since, or gone from the queue)`;
    }
    case 'failed':
      return `Counting failed: ${step.message}`;
    default:
      return tallyText(step.tally);
  }
}

function tallyText({ total, replayed, skipped, errors, stopped }: ReplayTally): string {
  const parts = [`Replayed ${replayed} of ${total}`];
  if (skipped.length > 0) parts.push(`${skipped.length} skipped (no longer failed)`);
  if (errors.length > 0) parts.push(`${errors.length} refused`);
  const text = parts.join(', ');
  return stopped === undefined ? text : `${text}; stopped: ${stopped}`;
}

/** The executions a replay left alone, each with what the API said. */
function Left({ tally }: { tally: ReplayTally }) {
  return (
    <>
      <Listed label="Skipped" items={tally.skipped} />
      <Listed label="Refused" items={tally.errors} />
    </>
  );
}

function Listed({ label, items }: { label: string; items: readonly Skipped[] }) {
  if (items.length === 0) return null;
  return (
    <ul aria-label={label}>
      {items.map((s) => (
        <li key={`${s.queue}/${s.id}`}>
          <a href={hrefOf(['executions', s.queue, s.id])}>{s.id}</a> in {s.queue}: {s.message}
        </li>
      ))}
    </ul>
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
