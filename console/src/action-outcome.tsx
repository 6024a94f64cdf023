import { useState } from 'preact/hooks';
import { errorText } from './api-client.js';

/** What the last action of a view said: done (a status) or why not (an alert). */
export interface Outcome {
  readonly said: string;
  readonly failed: string;
  /** Runs `action`; says `done` when it succeeds, `what: why` when it throws; true when it succeeded. */
  run(what: string, done: string, action: () => Promise<unknown>): Promise<boolean>;
}

/** The outcome of a view's actions, kept until the next one. */
export function useOutcome(): Outcome {
  const [said, setSaid] = useState('');
  const [failed, setFailed] = useState('');
  return {
    said,
    failed,
    async run(what, done, action) {
      setSaid('');
      setFailed('');
      try {
        await action();
        setSaid(done);
        return true;
      } catch (e) {
        setFailed(`${what}: ${errorText(e)}`);
        return false;
      }
    },
  };
}

/**
 * The outcome where assistive technology reads it: the status region is
 * always there (a live region must exist before it changes), the alert
 * only while there is an error.
 */
export function OutcomeLines({ outcome }: { outcome: Outcome }) {
  return (
    <>
      <p role="status">{outcome.said}</p>
      {outcome.failed && (
        <p role="alert" class="error">
          {outcome.failed}
        </p>
      )}
    </>
  );
}
