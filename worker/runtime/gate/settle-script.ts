/**
 * The settle script: a request to a destination ended. Releases what its
 * admission took (waking one execution that waits for the freed slot),
 * moves the circuit (failures open it, the probe closes or reopens it),
 * records a hold the destination asked for, and learns a rate from bare
 * 429s (halved on a rejection, grown back on successes: AIMD). Publishes on
 * the changes channel when the destination becomes restricted or its
 * circuit closes, so that every worker's fast path asks again.
 *
 * KEYS: 1 the destination's state, 2 its leases, 3 its wake set, 4 its
 * sends, 5 the flow key's leases, 6 its wake set (any gate keys when there
 * is none), 7-9 the destination's send counters of this second and the
 * two before.
 *
 * ARGV: 1 now (ms), 2 holder, 3 destination lease 0/1, 4 flow key lease
 * 0/1, 5 probe 0/1, 6 failed 0/1, 7 error text, 8 hold ms (0: none), 9 hold
 * reason, 10 rejected 0/1, 11 failures that open the circuit (0: never), 12
 * cool-down ms, 13 longest cool-down ms, 14 changes channel, 15 origin.
 *
 * Returns the holders to wake.
 */
export const SETTLE_LUA = String.raw`
local now = tonumber(ARGV[1])
local holder = ARGV[2]
local failed = ARGV[6] == '1'
local state = KEYS[1]
local woken = {}
local changed = false
-- A learned rate with no 429 for this long is dropped: the destination takes more again.
local LEARNED_QUIET_MS = 30000
-- How often a learned rate grows while requests succeed: back towards a
-- step below the rate it was cut from, then slowly past it.
local LEARNED_RECOVERY_MS = 500
local LEARNED_PROBE_MS = 2000
-- The share of the learned rate that must have been sent lately for it to grow.
local LEARNED_USED = 0.75

local v = redis.call('HMGET', state, 'circuit', 'failures', 'probe', 'cooldown_ms', 'learned_rate',
  'learned_at', 'rate_max', 'rate_per_ms', 'learned_cut_at', 'learned_step', 'learned_from',
  'learned_rejected_at')
local st = { circuit = v[1], failures = tonumber(v[2]) or 0, probe = v[3],
  cooldownMs = tonumber(v[4]), learnedRate = tonumber(v[5]), learnedAt = tonumber(v[6]) or 0,
  rateMax = tonumber(v[7]), ratePerMs = tonumber(v[8]), cutAt = tonumber(v[9]) or 0,
  step = tonumber(v[10]) or 1, from = tonumber(v[11]), rejectedAt = tonumber(v[12]) or 0 }
local isProbe = ARGV[5] == '1' and st.circuit == 'half_open' and st.probe == holder

local function release(leases, wake)
  if redis.call('ZREM', leases, holder) == 0 then return end
  -- Those whose fallback time passed are on their way already.
  redis.call('ZREMRANGEBYSCORE', wake, '-inf', '(' .. now)
  local popped = redis.call('ZPOPMIN', wake)
  if popped[1] then woken[#woken + 1] = popped[1] end
end

local function wakeAll(wake)
  local all = redis.call('ZRANGE', wake, 0, -1)
  redis.call('DEL', wake)
  for _, h in ipairs(all) do woken[#woken + 1] = h end
end

local function openCircuit(cooldownMs)
  redis.call('HSET', state, 'circuit', 'open', 'open_until', now + cooldownMs, 'cooldown_ms', cooldownMs)
  redis.call('HDEL', state, 'probe', 'probe_until')
  changed = true
end

local function onFailure()
  local failures = redis.call('HINCRBY', state, 'failures', 1)
  redis.call('HSET', state, 'last_error', ARGV[7], 'last_error_at', now)
  -- The first failure makes the destination restricted: fast paths must report their successes.
  if failures == 1 then changed = true end
  local base = st.cooldownMs or tonumber(ARGV[12])
  if isProbe then
    openCircuit(math.min(tonumber(ARGV[13]), base * 2))
  elseif not st.circuit and tonumber(ARGV[11]) > 0 and failures >= tonumber(ARGV[11]) then
    openCircuit(base)
  end
end

-- The rate sent lately, per second: over this second so far (counted as
-- half a second at least: a burst of a moment is no rate to come back to),
-- and over it with one and with two whole seconds before it, the highest
-- (traffic that just began is not averaged away over seconds that had
-- none); or the sends set, where the restricted path records them, when it
-- saw more.
local function sentRate()
  local elapsed = (now % 1000) / 1000
  local sum, best = 0, 0
  for i = 7, 9 do
    sum = sum + (tonumber(redis.call('GET', KEYS[i])) or 0)
    best = math.max(best, sum / math.max(0.5, elapsed + i - 7))
  end
  local recorded = redis.call('ZCOUNT', KEYS[4], '(' .. (now - 1000), now)
  return math.max(1, best, recorded)
end

local function dropLearned()
  redis.call('HDEL', state, 'learned_rate', 'learned_at', 'learned_cut_at', 'learned_step',
    'learned_from', 'learned_rejected_at')
end

local function grow()
  if not st.learnedRate then return end
  -- Dropped once it no longer limits: after LEARNED_QUIET_MS without a 429.
  if now - st.cutAt >= LEARNED_QUIET_MS then return dropLearned() end
  -- The rate it was cut from was too much: first back to a step below it,
  -- half the way every half second (quickly near what the destination
  -- took); from there half a step every two seconds, up to it and past it
  -- (slowly: the destination may take more now, or a late send made that
  -- 429). Time without requests is no sign it takes more: one growth per
  -- interval, however long. Nor are successes among 429s (those that fit
  -- the destination's window while others did not): the interval counts
  -- from the last 429 too, halving or not.
  local ceiling = (st.from or 0) - st.step
  local below = st.learnedRate < ceiling - st.step / 4
  local since = math.max(st.learnedAt, st.rejectedAt)
  if now - since < (below and LEARNED_RECOVERY_MS or LEARNED_PROBE_MS) then return end
  -- Nor are successes at a rate well under the learned one (too few waiting
  -- to send more): they say nothing of the rate above it.
  if sentRate() < st.learnedRate * LEARNED_USED then return end
  local rate
  if below then
    rate = st.learnedRate + (ceiling - st.learnedRate) / 2
  elseif st.learnedRate < ceiling then
    rate = ceiling
  else
    rate = st.learnedRate + st.step / 2
  end
  -- At the operator's limit it no longer limits either.
  local operator = nil
  if st.rateMax and st.ratePerMs and st.ratePerMs > 0 then operator = st.rateMax * 1000 / st.ratePerMs end
  if operator and rate >= operator then return dropLearned() end
  redis.call('HSET', state, 'learned_rate', rate, 'learned_at', now)
end

local function onSuccess()
  if redis.call('HEXISTS', state, 'failures') == 1 then redis.call('HSET', state, 'failures', 0) end
  redis.call('HSET', state, 'last_success_at', now)
  if isProbe then
    redis.call('HDEL', state, 'circuit', 'open_until', 'probe', 'probe_until', 'cooldown_ms')
    wakeAll(KEYS[3])
    changed = true
  end
  -- A 429 or a hold is no sign the destination takes more.
  if ARGV[10] ~= '1' and tonumber(ARGV[8]) == 0 then grow() end
end

local function onRejected()
  redis.call('HSET', state, 'learned_rejected_at', now)
  -- One halving a second: a burst of 429s answers one sending rate.
  if now - st.cutAt < 1000 then return end
  -- The rate taskrest sends at: the learned one once there is one (what
  -- went out lately falls short of it by the requests that had to wait),
  -- else what went out lately.
  local from = st.learnedRate or sentRate()
  redis.call('HSET', state, 'learned_rate', math.max(1, from / 2), 'learned_at', now,
    'learned_cut_at', now, 'learned_step', math.max(1, from / 10), 'learned_from', from)
  -- Slots reserved at the old rate would send at it still: they go, and
  -- their holders ask again when they come back.
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '(' .. now, '+inf')
  changed = true
end

local holdMs = tonumber(ARGV[8])
if holdMs > 0 then
  local current = tonumber(redis.call('HGET', state, 'held_until')) or 0
  redis.call('HSET', state, 'held_until', math.max(current, now + holdMs), 'hold_reason', ARGV[9])
  changed = true
end
if failed then onFailure() else onSuccess() end
if ARGV[10] == '1' then onRejected() end
if ARGV[3] == '1' then release(KEYS[2], KEYS[3]) end
if ARGV[4] == '1' then release(KEYS[5], KEYS[6]) end
if changed then redis.call('PUBLISH', ARGV[14], 'dest\n' .. ARGV[15]) end
return woken
`;
