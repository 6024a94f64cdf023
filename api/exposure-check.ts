import { isIP } from 'node:net';
import type { Config } from '../shared/config.js';
import { ConfigError } from '../shared/errors/config-error.js';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return /^::ffff:127\./.test(bare);
}

/**
 * Refuses to serve the API and dashboard without credentials on an address
 * others can reach: on a non-loopback HOST, API_TOKENS and
 * DASHBOARD_USER/DASHBOARD_PASSWORD are required.
 */
export function assertCredentialsForHost(
  config: Pick<Config, 'host' | 'apiTokens' | 'dashboardUser' | 'dashboardPassword'>,
): void {
  if (isLoopbackHost(config.host)) return;
  const missing: string[] = [];
  if (config.apiTokens.length === 0) missing.push('API_TOKENS');
  if (!config.dashboardUser) missing.push('DASHBOARD_USER');
  if (!config.dashboardPassword) missing.push('DASHBOARD_PASSWORD');
  if (missing.length > 0) {
    throw new ConfigError(
      `invalid configuration: HOST ${config.host} is not a loopback address, so ${missing.join(', ')} must be set`,
    );
  }
}
