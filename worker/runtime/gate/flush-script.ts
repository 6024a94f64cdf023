/**
 * The flush script: what one worker's fast path did since the last flush,
 * for many destinations and flow keys in one call. The fast path sends to
 * unrestricted subjects without asking Redis; this keeps what the others
 * need of it: the per-second send counters (what a bare 429 halves), when
 * each was last seen and last succeeded (the admin API lists them), and the
 * worker's requests in flight without a lease.
 *
 * KEYS: 1 destinations index, 2 limited destinations, 3 flow keys index,
 * 4 limited flow keys, then per row its state hash followed by one send
 * counter key per counted second.
 *
 * ARGV: 1 now, 2 worker id, 3 how long a subject stays listed (ms), then
 * per row: kind ('dest' or 'flow'), name, seen at, last success at ('' for
 * none), in flight ('' for not reported), in flight report's expiry, the
 * number of counted seconds, then that many counts.
 */
export const FLUSH_LUA = String.raw`
local worker = ARGV[2]
local listedMs = tonumber(ARGV[3])
local k, a = 5, 4
-- The indexes list what was seen within a day (limited ones are listed from their own sets).
for i = 1, 3, 2 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', tonumber(ARGV[1]) - listedMs) end
while a <= #ARGV do
  local kind, name, seenAt = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  local lastSuccess, inflight, expires = ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
  local seconds = tonumber(ARGV[a + 6])
  a = a + 7
  local state = KEYS[k]
  k = k + 1
  for _ = 1, seconds do
    redis.call('INCRBY', KEYS[k], ARGV[a])
    redis.call('PEXPIRE', KEYS[k], 10000)
    k, a = k + 1, a + 1
  end
  local index, limited = KEYS[1], KEYS[2]
  if kind == 'flow' then index, limited = KEYS[3], KEYS[4] end
  redis.call('HSET', state, 'seen_at', seenAt)
  redis.call('ZADD', index, 'GT', seenAt, name)
  if lastSuccess ~= '' then redis.call('HSET', state, 'last_success_at', lastSuccess) end
  if inflight == '0' then
    redis.call('HDEL', state, 'inflight:' .. worker)
  elseif inflight ~= '' then
    redis.call('HSET', state, 'inflight:' .. worker, inflight .. ':' .. expires)
  end
  if redis.call('SISMEMBER', limited, name) == 0 then redis.call('PEXPIRE', state, listedMs) end
end
return 0
`;
