import { recordKey, type ExecutionRecord } from '../../shared/history/execution-record.js';
import type { RecordSink } from '../../history/record-sink.js';

/**
 * A sink that remembers every record each write was given (duplicates
 * included, which a store's upsert would hide), and that can be made to
 * fail (a store that is down).
 */
export class MemorySink implements RecordSink {
  /** Every record written, in order, each time it was written. */
  readonly writes: ExecutionRecord[] = [];
  /** While true, every call rejects. */
  down = false;
  /** Calls that rejected. */
  failures = 0;
  /** How long each write takes, in ms. */
  delayMs = 0;
  dropCalls: number[] = [];

  async write(records: readonly ExecutionRecord[]): Promise<void> {
    if (this.down) {
      this.failures += 1;
      throw new Error('store down (test)');
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.writes.push(...records);
  }

  dropExpired(days: number): Promise<void> {
    this.dropCalls.push(days);
    return Promise.resolve();
  }

  /** The keys written more than once. */
  duplicates(): string[] {
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const record of this.writes) {
      const key = recordKey(record);
      if (seen.has(key)) twice.push(key);
      seen.add(key);
    }
    return twice;
  }
}
