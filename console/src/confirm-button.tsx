import { useEffect, useRef, useState } from 'preact/hooks';

interface ConfirmButtonProps {
  /** The button's text: `Reset`. */
  readonly label: string;
  /** Who it acts on, added to the accessible names: `Reset https://api.example.com:443`. */
  readonly subject: string;
  readonly onConfirm: () => void;
}

/**
 * A destructive action in two steps, without a dialog: the first click
 * shows "Confirm …" and "Keep" in its place, with the focus on Confirm;
 * Keep or Escape go back.
 */
export function ConfirmButton({ label, subject, onConfirm }: ConfirmButtonProps) {
  const [armed, setArmed] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (armed) confirm.current?.focus();
  }, [armed]);
  if (!armed) {
    return (
      <button type="button" aria-label={`${label} ${subject}`} onClick={() => setArmed(true)}>
        {label}
      </button>
    );
  }
  return (
    <span
      class="confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') setArmed(false);
      }}
    >
      <button
        type="button"
        ref={confirm}
        class="danger"
        aria-label={`Confirm ${label.toLowerCase()} ${subject}`}
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
      >
        Confirm {label.toLowerCase()}
      </button>
      <button type="button" aria-label={`Keep ${subject}`} onClick={() => setArmed(false)}>
        Keep
      </button>
    </span>
  );
}
