import type { ComponentChildren } from 'preact';
import { callApi } from './api-client.js';
import { ConfirmButton } from './confirm-button.js';
import type { Actions } from './use-actions.js';

interface GateActionsProps {
  /** The destination's origin or the flow key, named in each button's accessible name. */
  readonly subject: string;
  /** Its resource: `/api/destinations/<origin, encoded>`. */
  readonly path: string;
  readonly paused: boolean;
  readonly actions: Actions;
  /** Opens the limits form for it. */
  readonly onEditLimits: () => void;
  /** Buttons of this kind of subject only (a destination's Close circuit). */
  readonly children?: ComponentChildren;
}

/**
 * A destination's or a flow key's actions, in its row: Set limits, Pause
 * or Resume (`PUT {paused}`), and Reset (`DELETE`, confirmed first).
 */
export function GateActions(props: GateActionsProps) {
  const { subject, path, paused, actions, onEditLimits, children } = props;
  const verb = paused ? 'Resume' : 'Pause';
  return (
    <div class="row-actions">
      <button type="button" aria-label={`Set limits ${subject}`} onClick={onEditLimits}>
        Set limits
      </button>
      <button
        type="button"
        aria-label={`${verb} ${subject}`}
        onClick={() =>
          void actions.act(`${verb} ${subject}`, () =>
            callApi(path, { method: 'PUT', body: { paused: !paused } }),
          )
        }
      >
        {verb}
      </button>
      {children}
      <ConfirmButton
        label="Reset"
        subject={subject}
        onConfirm={() =>
          void actions.act(`Reset ${subject}`, () => callApi(path, { method: 'DELETE' }))
        }
      />
    </div>
  );
}
