/**
 * The renew script: requests still running keep what they hold. A lease
 * expires on its own so that a dead worker's slot frees itself; a live
 * worker's long request must not lose its slot that way, nor a long probe
 * its turn. Only what is still there is extended (ZADD XX; the probe only
 * while it is still this holder's).
 *
 * KEYS: per row a leases set or a state hash.
 * ARGV: 1 the key lifetime (ms), then per row: kind ('lease' or 'probe'),
 * holder, new expiry (ms).
 */
export const RENEW_LUA = String.raw`
local keyTtl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local kind, holder, untilMs = ARGV[3 * i - 1], ARGV[3 * i], ARGV[3 * i + 1]
  if kind == 'lease' then
    if redis.call('ZADD', key, 'XX', 'CH', untilMs, holder) == 1 then redis.call('PEXPIRE', key, keyTtl) end
  elseif redis.call('HGET', key, 'probe') == holder and redis.call('HGET', key, 'circuit') == 'half_open' then
    redis.call('HSET', key, 'probe_until', untilMs)
  end
end
return 0
`;
