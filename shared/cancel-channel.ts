import { queueKeyBase, type QueueRef } from './queue-keys.js';

/**
 * The Redis pub/sub channel that carries a queue's cancels to every worker
 * process (only the process running an execution can abort it): under the
 * queue's own keys, `{taskrest:q}:q:cancel`.
 */
export function cancelChannelOf(ref: QueueRef): string {
  return `${queueKeyBase(ref)}:cancel`;
}

/** One cancel: the execution and who asked for it. */
export interface CancelMessage {
  readonly id: string;
  readonly by: string;
}

export function encodeCancel(message: CancelMessage): string {
  return JSON.stringify({ id: message.id, by: message.by });
}

/** The cancel a message carries; null for anything else (anyone may publish). */
export function decodeCancel(text: string): CancelMessage | null {
  try {
    const value = JSON.parse(text) as Partial<CancelMessage> | null;
    return typeof value?.id === 'string' && typeof value.by === 'string'
      ? { id: value.id, by: value.by }
      : null;
  } catch {
    return null;
  }
}
