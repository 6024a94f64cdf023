import { DestinationNotFoundError } from '../shared/errors/destination-not-found-error.js';
import {
  parseDestinationSettings,
  parseOrigin,
  type DestinationSettings,
} from '../shared/destinations/destination-settings.js';
import {
  listDestinations,
  readDestination,
  type DestinationInfo,
} from '../shared/destinations/destination-state.js';
import {
  resetChange,
  settingsChange,
  type GateChange,
} from '../shared/destinations/gate-settings-writer.js';
import { GateSubjects } from './gate-subjects.js';
import type { ProducerContext } from './producer-context.js';

/**
 * Destinations (the origins requests go to) with the limits an operator
 * sets on them and the live state the workers' gate keeps: circuit, holds,
 * learned rate, in flight, held. Origins are taken as URLs and named as the
 * gate names them (`https://api.example.com` is `https://api.example.com:443`).
 * Every change reaches every worker at once (they drop their cached view on
 * the changes channel); one that can let held executions go wakes them.
 */
export class DestinationAdmin {
  readonly #context: ProducerContext;
  readonly #subjects: GateSubjects<DestinationInfo>;

  constructor(context: ProducerContext) {
    this.#context = context;
    this.#subjects = new GateSubjects(context, 'dest', readDestination);
  }

  /** Destinations seen in the last 24 hours, and every one with settings. */
  async list(): Promise<DestinationInfo[]> {
    return this.#context.withRedis(() =>
      listDestinations(this.#context.connection, this.#context.prefix),
    );
  }

  /** One destination; DestinationNotFoundError when not seen in 24 h and without settings. */
  async get(origin: string): Promise<DestinationInfo> {
    const name = parseOrigin(origin);
    return this.#subjects.get(name, () => new DestinationNotFoundError(name));
  }

  /**
   * Changes a destination's limits (fields left out stay, null removes a
   * limit), or closes its circuit (`circuit: 'closed'`). Throws
   * InvalidDestinationError naming each bad field; then nothing is stored.
   */
  async set(origin: string, settings: DestinationSettings = {}): Promise<DestinationInfo> {
    const name = parseOrigin(origin);
    return this.#apply(name, settingsChange(parseDestinationSettings(settings)));
  }

  /** Holds every request to the destination back (running ones finish). */
  pause(origin: string): Promise<DestinationInfo> {
    return this.set(origin, { paused: true });
  }

  /** Lets requests to the destination go again; wakes the executions held by the pause. */
  resume(origin: string): Promise<DestinationInfo> {
    return this.set(origin, { paused: false });
  }

  /** Forces the circuit closed (failures back to 0); wakes the executions it held. */
  close(origin: string): Promise<DestinationInfo> {
    return this.set(origin, { circuit: 'closed' });
  }

  /**
   * Back to the defaults: no limits, the circuit closed, no failures, no
   * hold of the destination's own, no learned rate; wakes every held execution.
   */
  async reset(origin: string): Promise<DestinationInfo> {
    return this.#apply(parseOrigin(origin), resetChange('dest'));
  }

  #apply(name: string, change: GateChange): Promise<DestinationInfo> {
    return this.#subjects.apply(name, change);
  }
}
