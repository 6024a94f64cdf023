/**
 * The admit script: may this request go now? One atomic look at the
 * destination and at the flow key (if any), so that every worker sees the
 * same limits and no two take the last slot. Every check is made before
 * anything is taken; the first "not now" answers. A request held for a rate
 * reserves its slot (so that held requests come back one after another, not
 * all at once); one held for a concurrency slot, an open circuit, a probe
 * or a resume waits in the wake set, and is woken by the release that frees
 * it.
 *
 * KEYS: 1-6 the destination's state, sends, leases, wake, held and its
 * send counter of this second; 7-11 the flow key's state, sends, leases,
 * wake, held (any gate keys when there is none); 12 destinations index,
 * 13 limited destinations, 14 flow keys index, 15 limited flow keys,
 * 16 held total.
 *
 * ARGV: now (ms), holder, lease ms, origin, flow key ('' for none), how
 * long a subject stays listed (ms).
 *
 * Returns { admitted 0/1, until, reason, detail, destination lease 0/1,
 * flow key lease 0/1, probe 0/1, destination unrestricted 0/1, flow key
 * unrestricted 0/1 }.
 */
export const ADMIT_LUA = String.raw`
local now = tonumber(ARGV[1])
local holder = ARGV[2]
local leaseMs = tonumber(ARGV[3])
-- How far ahead a learned rate's slots are reserved.
local LEARNED_HORIZON_MS = 2000
-- The longest a request held beyond that waits before it asks again.
local LEARNED_WAIT_MAX_MS = 15000
-- How late a held request may come back and still have its reserved slot.
local RESERVATION_LATE_MS = 1000
local flowKey = ARGV[5]
local listedMs = tonumber(ARGV[6])

local dest = { state = KEYS[1], sends = KEYS[2], leases = KEYS[3], wake = KEYS[4], held = KEYS[5],
  sent = KEYS[6], name = ARGV[4], index = KEYS[12], limited = KEYS[13], prefix = '', isDest = true }
local flow = { state = KEYS[7], sends = KEYS[8], leases = KEYS[9], wake = KEYS[10], held = KEYS[11],
  name = flowKey, index = KEYS[14], limited = KEYS[15], prefix = 'flow_key_', isDest = false }

local function readState(s)
  local v = redis.call('HMGET', s.state, 'rate_max', 'rate_per_ms', 'max_concurrency', 'paused',
    'circuit', 'open_until', 'failures', 'probe', 'probe_until', 'held_until', 'hold_reason',
    'learned_rate', 'last_error')
  return { rateMax = tonumber(v[1]), ratePerMs = tonumber(v[2]), maxConcurrency = tonumber(v[3]),
    paused = v[4] == '1', circuit = v[5], openUntil = tonumber(v[6]) or 0,
    failures = tonumber(v[7]) or 0, probe = v[8], probeUntil = tonumber(v[9]) or 0,
    heldUntil = tonumber(v[10]) or 0, holdReason = v[11] or '', learnedRate = tonumber(v[12]),
    lastError = v[13] or '', hasLimits = v[1] ~= false or v[3] ~= false or v[4] == '1' }
end

-- What the fast path may skip: nothing to count, nothing to wait for.
local function unrestricted(s, st)
  if st.hasLimits then return false end
  if not s.isDest then return true end
  return not st.circuit and st.failures == 0 and st.heldUntil <= now and not st.learnedRate
end

local function hold(untilMs, reason, detail, waits)
  return { untilMs = untilMs, reason = reason, detail = detail, waits = waits }
end

local function checkCircuit(st, plan)
  if st.circuit == 'open' then
    -- Waits in the wake set: a circuit closed by hand, or by the probe, wakes it at once.
    if now < st.openUntil then return hold(st.openUntil, 'circuit_open', st.lastError, true) end
    plan.probe = true
  elseif st.circuit == 'half_open' then
    if st.probe ~= holder and st.probeUntil > now then
      return hold(st.probeUntil, 'circuit_half_open', '', true)
    end
    plan.probe = true
  end
  return nil
end

local function checkConcurrency(s, st, plan)
  if not st.maxConcurrency then return nil end
  redis.call('ZREMRANGEBYSCORE', s.leases, '-inf', now)
  -- The same execution asking again (a stalled job picked up anew) keeps its lease.
  if not redis.call('ZSCORE', s.leases, holder) and redis.call('ZCARD', s.leases) >= st.maxConcurrency then
    return hold(now + leaseMs, s.prefix .. 'concurrency', tostring(st.maxConcurrency), true)
  end
  plan.lease = true
  return nil
end

-- The earliest time one more send fits under "at most max per window".
local function earliest(sends, max, window)
  local c = now
  local last = redis.call('ZRANGE', sends, -1, -1, 'WITHSCORES')
  if last[2] then c = math.max(c, tonumber(last[2])) end
  if redis.call('ZCARD', sends) >= max then
    local kth = redis.call('ZRANGE', sends, -max, -max, 'WITHSCORES')
    c = math.max(c, tonumber(kth[2]) + window)
  end
  return c
end

-- Whether one more send now keeps the window of 'window' ms that ends now
-- within max, counting the sends made (not the slots reserved: each of their
-- holders asks this same question when it comes). Asked at every late send,
-- it keeps every window of the sends as made within max.
local function fitsNow(sends, max, window)
  local sent = 0
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', sends, '(' .. (now - window), now)) do
    if string.sub(member, 1, 2) ~= 'r:' then sent = sent + 1 end
  end
  return sent < max
end

local function rateLimits(s, st)
  local limits = {}
  if st.rateMax and st.ratePerMs and st.rateMax > 0 and st.ratePerMs > 0 then
    limits[#limits + 1] = { max = st.rateMax, window = st.ratePerMs, reason = s.prefix .. 'rate_limit',
      detail = st.rateMax .. ' per ' .. st.ratePerMs .. ' ms' }
  end
  if s.isDest and st.learnedRate then
    -- Evenly spaced, one send per interval: a destination that rejects past
    -- its limit is not sent bursts that its own window may count twice.
    local rate = math.max(1, st.learnedRate)
    limits[#limits + 1] = { max = 1, window = math.floor(1000 / rate), reason = 'learned_rate',
      detail = string.format('%.1f per second', rate) }
  end
  return limits
end

local function checkRate(s, st, plan)
  local limits = rateLimits(s, st)
  if #limits == 0 then return nil end
  local longest = 0
  for _, l in ipairs(limits) do longest = math.max(longest, l.window) end
  -- Its own slot first: a held request that comes back a little late (a busy
  -- worker) still has it, rather than leaving a gap and queueing again.
  local reserved = tonumber(redis.call('ZSCORE', s.sends, 'r:' .. holder))
  redis.call('ZREMRANGEBYSCORE', s.sends, '-inf', now - longest)
  if reserved and reserved > now then return hold(reserved, limits[1].reason, limits[1].detail, false) end
  if reserved then
    -- Late: its slot is gone by, and others may have come due meanwhile. A
    -- worker that was slow to come back must not send a burst: under an
    -- operator's limit the send counts when it goes, and goes only if the
    -- limit still holds around now; else it queues again like a new request.
    -- A learned rate (an estimate a 429 corrects) keeps the slot it had.
    redis.call('ZREM', s.sends, 'r:' .. holder)
    if now - reserved <= RESERVATION_LATE_MS then
      local operator, fits = false, true
      for _, l in ipairs(limits) do
        if l.reason ~= 'learned_rate' then
          operator = true
          fits = fits and fitsNow(s.sends, l.max, l.window)
        end
      end
      if fits then
        plan.send = { score = operator and now or reserved, reserved = false, longest = longest }
        return nil
      end
    end
  end
  local c, why = now, limits[1]
  for _, l in ipairs(limits) do
    local e = earliest(s.sends, l.max, l.window)
    if e > c then c, why = e, l end
  end
  if c <= now then
    plan.send = { score = now, reserved = false, longest = longest }
    return nil
  end
  -- A learned rate changes every second: its slots are reserved a short way
  -- ahead only; beyond that the request asks again later, spread out.
  if why.reason == 'learned_rate' and c > now + LEARNED_HORIZON_MS then
    -- The held come back about a third faster than the rate takes them
    -- (enough to keep the reserved slots filled, few enough asks), spread
    -- evenly over one to two turns by a hash of holder and time: many that
    -- asked together must not come back together and leave gaps between.
    local held = redis.call('ZCARD', s.held)
    local turn = math.min(LEARNED_WAIT_MAX_MS, math.max(LEARNED_HORIZON_MS, held * 500 / st.learnedRate))
    local spread = tonumber(string.sub(redis.sha1hex(holder .. now), 1, 4), 16) / 65536
    return hold(now + math.floor(turn * (1 + spread)), why.reason, why.detail, false)
  end
  -- Reserved now, so that the next held request queues behind this one.
  redis.call('ZADD', s.sends, c, 'r:' .. holder)
  redis.call('PEXPIRE', s.sends, c - now + longest)
  return hold(c, why.reason, why.detail, false)
end

local function check(s, st, plan)
  if st.paused then return hold(now + leaseMs, s.prefix .. 'paused', '', true) end
  if s.isDest then
    local held = checkCircuit(st, plan)
    if held then return held end
    if st.heldUntil > now then return hold(st.heldUntil, 'held_by_destination', st.holdReason, false) end
  end
  return checkConcurrency(s, st, plan) or checkRate(s, st, plan)
end

local function take(s, plan)
  if plan.lease then
    redis.call('ZADD', s.leases, now + leaseMs, holder)
    redis.call('PEXPIRE', s.leases, leaseMs * 2)
  end
  if plan.send then
    local score = plan.send.score
    if plan.send.reserved then redis.call('ZREM', s.sends, 'r:' .. holder) end
    -- Unique: one holder sends once at a time, and the set only grows within one ms.
    redis.call('ZADD', s.sends, score, holder .. ':' .. score .. ':' .. redis.call('ZCARD', s.sends))
    redis.call('PEXPIRE', s.sends, math.max(1, score - now) + plan.send.longest)
  end
  if plan.probe then
    redis.call('HSET', s.state, 'circuit', 'half_open', 'probe', holder, 'probe_until', now + leaseMs)
  end
  if s.sent then
    -- Counted per second for the halving after a bare 429 (see the settle script).
    redis.call('INCR', s.sent)
    redis.call('PEXPIRE', s.sent, 10000)
  end
  redis.call('ZREM', s.held, holder)
  redis.call('ZREM', s.wake, holder)
end

local function markHeld(s, held)
  -- Holders that never came back (cancelled, removed) leave after a day.
  redis.call('ZREMRANGEBYSCORE', s.held, '-inf', now - listedMs)
  redis.call('ZADD', s.held, held.untilMs, holder)
  redis.call('PEXPIRE', s.held, listedMs)
  if held.waits then
    redis.call('ZADD', s.wake, held.untilMs, holder)
    redis.call('PEXPIRE', s.wake, listedMs)
  end
  redis.call('HINCRBY', KEYS[16], held.reason, 1)
end

local function seen(s)
  redis.call('HSET', s.state, 'seen_at', now)
  redis.call('ZADD', s.index, now, s.name)
  if redis.call('SISMEMBER', s.limited, s.name) == 0 then redis.call('PEXPIRE', s.state, listedMs) end
end

local subjects = { dest }
if flowKey ~= '' then subjects[2] = flow end
local states, plans, free = {}, {}, { 0, 0 }
for i, s in ipairs(subjects) do
  states[i] = readState(s)
  plans[i] = {}
  if unrestricted(s, states[i]) then free[i] = 1 end
end
local answer
for i, s in ipairs(subjects) do
  local held = check(s, states[i], plans[i])
  if held then
    markHeld(s, held)
    -- Waiting here now, not there: a release there should wake someone it frees.
    for j, other in ipairs(subjects) do
      if j ~= i then redis.call('ZREM', other.wake, holder) redis.call('ZREM', other.held, holder) end
    end
    answer = { 0, held.untilMs, held.reason, held.detail, 0, 0, 0, free[1], free[2] }
    break
  end
end
if not answer then
  for i, s in ipairs(subjects) do take(s, plans[i]) end
  answer = { 1, 0, '', '', plans[1].lease and 1 or 0, plans[2] and plans[2].lease and 1 or 0,
    plans[1].probe and 1 or 0, free[1], free[2] }
end
for _, s in ipairs(subjects) do seen(s) end
return answer
`;
