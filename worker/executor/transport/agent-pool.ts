import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import { Agent, buildConnector, errors } from './undici-parts.js';

/** What a connection is set up with; requests that agree on it share keep-alive connections. */
export interface ConnectSettings {
  rejectUnauthorized: boolean;
  /** Extra PEM CA certificate(s), trusted in addition to Node's bundled roots. */
  ca: string | undefined;
  /** TCP connect plus TLS handshake, in ms; 0 disables. */
  connectTimeoutMs: number;
}

export interface AgentPoolOptions {
  lookup: LookupFunction | undefined;
  /**
   * Runs before every new connection with the host it goes to, and refuses it
   * by throwing. Node skips the DNS lookup (and so `lookup`) for IP literals:
   * this is where they are checked, for every request the transport sends.
   */
  checkHost?: ((hostname: string) => void) | undefined;
  /** At most this many connections to one origin; null: no limit. */
  connectionsPerOrigin: number | null;
  /** Agents kept at most; the least recently used one is closed beyond that. @defaultValue 64 */
  maxAgents?: number;
}

/**
 * undici Agents, one per connect configuration (TLS verification, extra CA,
 * connect timeout), since undici fixes those per Agent. Tasks mostly share a
 * handful of configurations, so the pool stays small; a bound keeps a stream
 * of distinct `cacert`s from growing it without end.
 */
export class AgentPool {
  readonly #agents = new Map<string, Agent>();
  readonly #maxAgents: number;
  readonly #options: AgentPoolOptions;
  #closed = false;

  constructor(options: AgentPoolOptions) {
    this.#options = options;
    this.#maxAgents = options.maxAgents ?? 64;
  }

  /** The Agent for these settings, created on first use. */
  get(settings: ConnectSettings): Agent {
    // undici's own error (UND_ERR_CLOSED), as a closed Agent would raise it.
    if (this.#closed) throw new errors.ClientClosedError('the transport is closed');
    const key = agentKey(settings);
    const found = this.#agents.get(key);
    if (found) {
      // Re-insert so that Map order is least recently used first.
      this.#agents.delete(key);
      this.#agents.set(key, found);
      return found;
    }
    const agent = this.#create(settings);
    this.#agents.set(key, agent);
    this.#evictBeyondBound();
    return agent;
  }

  /** Closes every Agent; requests in flight finish first. */
  async close(): Promise<void> {
    this.#closed = true;
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }

  #create(settings: ConnectSettings): Agent {
    const connectOptions = {
      timeout: settings.connectTimeoutMs,
      rejectUnauthorized: settings.rejectUnauthorized,
      // Node's `ca` replaces the default roots; one secure context per
      // Agent keeps the roots parsed once rather than per connection.
      ...(settings.ca !== undefined && {
        secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, settings.ca] }),
      }),
      ...(this.#options.lookup && { lookup: this.#options.lookup }),
    };
    const { checkHost } = this.#options;
    if (!checkHost) {
      return new Agent({
        connections: this.#options.connectionsPerOrigin,
        connect: connectOptions,
      });
    }
    const connect = buildConnector(connectOptions);
    return new Agent({
      connections: this.#options.connectionsPerOrigin,
      connect: (options, callback) => {
        try {
          checkHost(options.hostname);
        } catch (denied) {
          callback(denied as Error, null);
          return;
        }
        connect(options, callback);
      },
    });
  }

  #evictBeyondBound(): void {
    while (this.#agents.size > this.#maxAgents) {
      const oldest = this.#agents.entries().next().value;
      if (!oldest) return;
      this.#agents.delete(oldest[0]);
      // Graceful: requests still running on it complete.
      oldest[1].close().catch(() => undefined);
    }
  }
}

function agentKey(settings: ConnectSettings): string {
  const ca =
    settings.ca === undefined ? '-' : createHash('sha256').update(settings.ca).digest('hex');
  return `${settings.rejectUnauthorized ? 1 : 0}|${settings.connectTimeoutMs}|${ca}`;
}
