import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { GateAnswer } from '../request-gate.js';
import { GateHeldError } from './gate-held-error.js';
import type { HopGate } from './hop-gate.js';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** The destinations' gate of this request's hop; absent: sent at once (a grant's token request). */
    hopGate?: HopGate;
  }
}

/**
 * Wraps the adapter: every request actually sent (axios-retry runs the
 * adapter once per attempt, so each retry too) first passes the gate of its
 * destination and flow key, and tells it how it ended. A "not now" sends
 * nothing and rejects with GateHeldError. Above the traced adapter: a held
 * request makes no span.
 */
export function gatedAdapter(adapter: AxiosAdapter): AxiosAdapter {
  return (config) => {
    const gate = config.hopGate;
    if (!gate) return adapter(config);
    const answer = gate.enter();
    // No limit met: answered at once, no promise in between.
    return answer instanceof Promise
      ? answer.then((a) => send(adapter, config, gate, a))
      : send(adapter, config, gate, answer);
  };
}

function send(
  adapter: AxiosAdapter,
  config: InternalAxiosRequestConfig,
  gate: HopGate,
  answer: GateAnswer,
): Promise<AxiosResponse> {
  if (!answer.admitted) {
    return Promise.reject(new GateHeldError(answer, config['axios-retry']?.retryCount ?? 0));
  }
  return adapter(config).then(
    (response) => {
      gate.ended(answer, response, null);
      return response;
    },
    (error: unknown) => {
      gate.ended(answer, null, error);
      throw error;
    },
  );
}
