import { useOutcome, type Outcome } from './action-outcome.js';

/**
 * A view's actions: `act` runs one, says "`what`: done" in the view's
 * {@link Outcome} (shown by `OutcomeLines`) or "`what`: <why not>" in an
 * alert, and resolves whether it succeeded.
 */
export interface Actions {
  readonly outcome: Outcome;
  act(what: string, run: () => Promise<unknown>): Promise<boolean>;
}

/** The actions of one view; `onDone` follows each success (a fresh read, say). */
export function useActions(onDone: () => void): Actions {
  const outcome = useOutcome();
  async function act(what: string, run: () => Promise<unknown>): Promise<boolean> {
    const succeeded = await outcome.run(what, `${what}: done`, run);
    if (succeeded) onDone();
    return succeeded;
  }
  return { outcome, act };
}
