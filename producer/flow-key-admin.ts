import { FlowKeyNotFoundError } from '../shared/errors/flow-key-not-found-error.js';
import {
  parseFlowKeyName,
  parseFlowKeySettings,
  type FlowKeySettings,
} from '../shared/destinations/destination-settings.js';
import {
  listFlowKeys,
  readFlowKey,
  type FlowKeyInfo,
} from '../shared/destinations/destination-state.js';
import {
  resetChange,
  settingsChange,
  type GateChange,
} from '../shared/destinations/gate-settings-writer.js';
import { GateSubjects } from './gate-subjects.js';
import type { ProducerContext } from './producer-context.js';

/**
 * Flow keys (the names tasks are enqueued under with `flow_key`: a tenant,
 * an API account) with the limits an operator sets on them, across every
 * queue and worker, and how many of their requests are in flight or held.
 */
export class FlowKeyAdmin {
  readonly #context: ProducerContext;
  readonly #subjects: GateSubjects<FlowKeyInfo>;

  constructor(context: ProducerContext) {
    this.#context = context;
    this.#subjects = new GateSubjects(context, 'flow', readFlowKey);
  }

  /** Flow keys seen in the last 24 hours, and every one with settings. */
  async list(): Promise<FlowKeyInfo[]> {
    return this.#context.withRedis(() =>
      listFlowKeys(this.#context.connection, this.#context.prefix),
    );
  }

  /** One flow key; FlowKeyNotFoundError when not seen in 24 h and without settings. */
  async get(key: string): Promise<FlowKeyInfo> {
    const name = parseFlowKeyName(key);
    return this.#subjects.get(name, () => new FlowKeyNotFoundError(name));
  }

  /**
   * Changes a flow key's limits (fields left out stay, null removes a
   * limit). Throws InvalidFlowKeyError naming each bad field; then nothing
   * is stored.
   */
  async set(key: string, settings: FlowKeySettings = {}): Promise<FlowKeyInfo> {
    const name = parseFlowKeyName(key);
    return this.#apply(name, settingsChange(parseFlowKeySettings(settings)));
  }

  /** Holds every request of the flow key back (running ones finish). */
  pause(key: string): Promise<FlowKeyInfo> {
    return this.set(key, { paused: true });
  }

  /** Lets the flow key's requests go again; wakes the executions held by the pause. */
  resume(key: string): Promise<FlowKeyInfo> {
    return this.set(key, { paused: false });
  }

  /** Removes the flow key's settings; wakes every execution it held. */
  async reset(key: string): Promise<FlowKeyInfo> {
    return this.#apply(parseFlowKeyName(key), resetChange('flow'));
  }

  #apply(name: string, change: GateChange): Promise<FlowKeyInfo> {
    return this.#subjects.apply(name, change);
  }
}
