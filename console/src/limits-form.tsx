import type { Ref } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { limitsOf, type Limits } from './limits-fields.js';

export type { Limits } from './limits-fields.js';

interface LimitsFormProps {
  /** What the limits are of: `emails`, `https://api.example.com:443`, `tenant-42`. */
  readonly subject: string;
  /** What the rate limit counts: a queue's `executions`, a gate's `requests`. */
  readonly counted: 'executions' | 'requests';
  readonly current: Limits;
  /** Sends the limits; resolves true when they were saved (the form then closes). */
  readonly onSave: (limits: Limits) => Promise<boolean>;
  readonly onClose: () => void;
}

/** One number field of the form, labelled so that tests and readers find it by name. */
function NumberField(props: {
  readonly label: string;
  readonly value: string;
  readonly set: (value: string) => void;
  readonly min: string;
  readonly step: string;
  readonly fieldRef?: Ref<HTMLInputElement>;
}) {
  return (
    <label>
      {props.label}
      <input
        ref={props.fieldRef}
        type="number"
        min={props.min}
        step={props.step}
        placeholder="none"
        value={props.value}
        onInput={(e) => props.set(e.currentTarget.value)}
      />
    </label>
  );
}

/**
 * Sets the rate limit (`max` per `per_seconds`) and the concurrency limit
 * of a queue, a destination or a flow key; an empty field removes its
 * limit. Opened with the current values and the focus on its first field;
 * Escape closes it. The server checks the values and names a bad field.
 */
export function LimitsForm({ subject, counted, current, onSave, onClose }: LimitsFormProps) {
  const id = useId();
  const [max, setMax] = useState(String(current.rate_limit?.max ?? ''));
  const [per, setPer] = useState(String(current.rate_limit?.per_seconds ?? ''));
  const [concurrency, setConcurrency] = useState(String(current.max_concurrency ?? ''));
  const [problem, setProblem] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), [subject]);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const limits = limitsOf(max, per, concurrency);
    if (typeof limits === 'string') return setProblem(limits);
    setProblem(null);
    if (await onSave(limits)) onClose();
  }

  return (
    <form
      class="limits-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h2 id={`${id}-title`}>Limits of {subject}</h2>
      <NumberField
        label={`Rate limit: ${counted}`}
        value={max}
        set={setMax}
        min="1"
        step="1"
        fieldRef={first}
      />
      <NumberField label="per seconds" value={per} set={setPer} min="0.001" step="any" />
      <NumberField
        label="Max concurrency"
        value={concurrency}
        set={setConcurrency}
        min="1"
        step="1"
      />
      <button type="submit">Save limits</button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      {problem && (
        <p role="alert" class="error">
          {problem}
        </p>
      )}
      <p class="muted">An empty field removes its limit.</p>
    </form>
  );
}
