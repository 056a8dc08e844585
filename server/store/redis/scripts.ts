import { LuaScript } from './lua-script.js';
import { PRELUDE } from './lua-prelude.js';

/**
 * The store's Lua scripts. Each runs atomically in Redis, so a room's read-check-write
 * (seat counting, seq retries, append + trim + notify, exactly one `leave` per timed-out
 * participant) never interleaves with another instance's.
 *
 * Every script takes the same first seven arguments (ARGV[1..7]): key prefix, the caller's
 * `now`, expiry slack, message TTL, presence timeout, room idle time, and PUBLISH or
 * SPUBLISH; its own follow. Protocol time is always the caller's `now` (the injected
 * clock); the PEXPIREs only back that up, so a Redis left alone by every instance still
 * empties itself.
 *
 * Room scripts take KEYS[1..3], the room's bucket's indexes (rooms, presence, expiry), and
 * KEYS[4..6], the room's room, seats and events keys; an image's key, built inside from
 * the same hash tag, is in the same slot. So each call stays on one Redis Cluster shard.
 */

function script(body: string): LuaScript {
  return new LuaScript(`${PRELUDE}\n${body}`);
}

// Scripts acting for a token holder (ARGV 8..9: room, token hash) start here: the room as
// `o` and the caller's seat as `seat`, or the answer 'bad-token'. QUICK opens the room on
// the hot path (O(1)); WHOLE loads every seat, for what needs the roster or the host.
const QUICK = `
local o, seat = quick(ARGV[8], ARGV[9])
if not o then return { 'bad-token' } end
if not seat then return done(o, { 'bad-token' }) end
`;
const WHOLE = `
local o = open(ARGV[8])
if not o then return { 'bad-token' } end
local seat = seat_of(o, ARGV[9])
if not seat then return done(o, { 'bad-token' }) end
`;

function seatedScript(body: string): LuaScript {
  return script(`${QUICK}${body}`);
}

function wholeRoomScript(body: string): LuaScript {
  return script(`${WHOLE}${body}`);
}

/** ARGV 8..10: room, capacity, epoch. 1 created, 0 taken (MAX_ROOMS is counted over the buckets by the caller). */
export const createScript = script(`
local o = load(ARGV[8])
if o and touch(o) then
  commit(o)
  return 0
end
o = names(ARGV[8])
o.idle, o.full = NOW + IDLE, true
redis.call('HSET', o.rk, 'cap', ARGV[9], 'epoch', ARGV[10], 'seq', 0, 'idle', o.idle)
commit(o)
return 1
`);

/** ARGV 8: room. {} when gone, else {capacity, locked ('1' or '0'), id, name, id, name, ...}, host first. */
export const getRoomScript = script(`
local o = open(ARGV[8])
if not o then return {} end
commit(o)
return roster({ o.cap, o.lock or '0' }, o)
`);

/**
 * ARGV 8..14: room, name, participant id, token hash, join key hash ('' for none), the token
 * sealed under the join key, join key window ms. {'ok', cursor, capacity, roster...}, or for a
 * key seen within its window {'again', cursor, capacity, participant, sealed token, name, roster...}.
 */
export const joinScript = script(`
local o = open(ARGV[8])
if not o then return { 'room-not-found' } end
if ARGV[12] ~= '' then
  for _, s in ipairs(o.seats) do
    if s.k == ARGV[12] and s.kx > NOW then return done(o, roster({ 'again', s.jc, o.cap, s.id, s.kt, s.n }, o)) end
  end
end
local status = nil
if o.lock == '1' then status = 'room-locked'
elseif #o.seats >= o.cap then status = 'room-full' end
for _, s in ipairs(o.seats) do
  if s.id == ARGV[10] then
    -- The same id and token: this very join, resent by a cluster client after its connection closed.
    if s.t == ARGV[11] then return done(o, roster({ 'ok', s.jc, o.cap }, o)) end
    status = 'retry'
  end
end
if status then
  commit(o)
  return { status }
end
local cursor = o.epoch .. '.' .. o.seq
local seat = { id = ARGV[10], n = ARGV[9], t = ARGV[11], q = '-1', e = '', s = 'here', l = '', c = 0, u = NOW + PRESENCE, j = o.seq + 1,
  k = ARGV[12], kt = ARGV[13], kx = NOW + tonumber(ARGV[14]), jc = cursor }
-- A key past its window makes a new seat; the old seat forgets it.
if ARGV[12] ~= '' then
  for _, s in ipairs(o.seats) do if s.k == ARGV[12] then s.k = '' save(o, s) end end
end
table.insert(o.seats, seat)
o.idle = nil
redis.call('HDEL', o.rk, 'idle')
redis.call('HSET', o.rk, 't:' .. seat.t, seat.id)
lower(o, seat)
save(o, seat)
append(o, 'join', seat)
commit(o)
return roster({ 'ok', cursor, o.cap }, o)
`);

/** ARGV 8..9: room, token hash. {'ok', participant, name} or {'bad-token'}. */
export const authenticateScript = seatedScript(`
return done(o, { 'ok', seat.id, seat.n })
`);

/**
 * ARGV 8..18: room, token hash, text, seq ('' for none), max live events, the text's length in
 * characters, chars/s, chars burst, sends/s, sends burst, gaps as JSON ('' for none; never an
 * empty list, which cjson would turn into {}). {'ok', id}, {'rate-limited', waitMs} or {error}.
 * The allowance arithmetic is send-allowance.ts's takeSend; the seat keeps it as ac, as, at.
 */
export const sendScript = seatedScript(`
if ARGV[11] ~= '' and tonumber(ARGV[11]) <= tonumber(seat.q) and seat.e ~= '' then return done(o, { 'ok', seat.e }) end
if redis.call('ZCARD', o.ek) >= tonumber(ARGV[12]) then return done(o, { 'room-busy' }) end
local chars, cps, cburst, sps, sburst = tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16]), tonumber(ARGV[17])
local elapsed = math.max(0, NOW - (seat.at or NOW))
local ctok = math.min(cburst, (seat.ac or cburst) + elapsed * cps / 1000)
local stok = math.min(sburst, (seat.as or sburst) + elapsed * sps / 1000)
local wait = math.max((chars - ctok) * 1000 / cps, (1 - stok) * 1000 / sps)
if wait > 0 then return done(o, { 'rate-limited', tostring(math.ceil(wait)) }) end
seat.ac, seat.as, seat.at = ctok - chars, stok - 1, NOW
-- Sending is as plain a sign of presence as polling (a later deadline: no index write).
if seat.u < NOW + PRESENCE then
  seat.u = NOW + PRESENCE
  grow(o, seat.u + IDLE)
end
local gaps = nil
if ARGV[18] ~= '' then gaps = ARGV[18] end
local id = append(o, 'text', seat, ARGV[10], nil, gaps)
if ARGV[11] ~= '' then seat.q = ARGV[11] end
seat.e = id
save(o, seat)
return done(o, { 'ok', id })
`);

/**
 * ARGV 8..16: room, token hash, max live events, max room image bytes, image id, type,
 * width, height, bytes. The bytes go in their own key, with the event's expiry as backstop.
 * {'ok', event id, expiresAt} or {error}.
 */
export const shareImageScript = seatedScript(`
if redis.call('ZCARD', o.ek) >= tonumber(ARGV[10]) then return done(o, { 'room-busy' }) end
local size = string.len(ARGV[16])
if tonumber(redis.call('HGET', o.rk, 'ib') or '0') + size > tonumber(ARGV[11]) then return done(o, { 'room-images-full' }) end
local image = { id = ARGV[12], type = ARGV[13], bytes = size, width = tonumber(ARGV[14]), height = tonumber(ARGV[15]) }
local id = append(o, 'image', seat, nil, image)
local key = image_key(o, ARGV[12])
redis.call('HSET', key, 't', ARGV[13], 'w', ARGV[14], 'h', ARGV[15], 'b', ARGV[16])
expire_at(key, NOW + TTL)
redis.call('HINCRBY', o.rk, 'ib', size)
return done(o, { 'ok', id, tostring(NOW + TTL) })
`);

/** ARGV 8..10: room, token hash, image id. {'ok', type, width, height, bytes}, {'gone'} or {'bad-token'}; opening the room drops what expired. */
export const getImageScript = seatedScript(`
local found = redis.call('HMGET', image_key(o, ARGV[10]), 't', 'w', 'h', 'b')
if not found[1] then return done(o, { 'gone' }) end
return done(o, { 'ok', found[1], found[2], found[3], found[4] })
`);

/** ARGV 8..11: room, token hash, 'away' | 'here', max live events. */
export const presenceScript = seatedScript(`
if seat.s == ARGV[10] then return done(o, { 'ok' }) end
if redis.call('ZCARD', o.ek) >= tonumber(ARGV[11]) then return done(o, { 'room-busy' }) end
seat.s = ARGV[10]
save(o, seat)
if ARGV[10] == 'away' then append(o, 'away', seat) else append(o, 'back', seat) end
return done(o, { 'ok' })
`);

/** ARGV 8..10: room, token hash, participant id. The host (first seated) removes it and locks the room. */
export const kickScript = wholeRoomScript(`
if o.seats[1].t ~= seat.t then return done(o, { 'not-host' }) end
local target = nil
for _, s in ipairs(o.seats) do if s.id == ARGV[10] then target = s end end
if not target then return done(o, { 'participant-not-found' }) end
if target.t == seat.t then return done(o, { 'kick-self' }) end
redis.call('HSET', o.rk, 'lock', '1')
unseat(o, target)
return done(o, { 'ok' })
`);

/** ARGV 8..10: room, token hash, '1' to lock or '0' to unlock. Host only. */
export const lockScript = wholeRoomScript(`
if o.seats[1].t ~= seat.t then return done(o, { 'not-host' }) end
redis.call('HSET', o.rk, 'lock', ARGV[10])
return done(o, { 'ok' })
`);

/**
 * KEYS[1]: the limit's key; ARGV 8..10: limit, window ms, the caller's now. Fixed windows as RateLimiter's,
 * one hash per key that expires with its window: 0 when allowed, else ms until it is.
 */
export const rateLimitScript = script(`
local k = KEYS[1]
local limit, win, now = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local start = tonumber(redis.call('HGET', k, 'start') or '')
if start == nil or now - start >= win then
  start = now
  redis.call('HSET', k, 'start', now, 'count', 0)
  redis.call('PEXPIRE', k, win + SLACK)
end
if tonumber(redis.call('HGET', k, 'count')) >= limit then return start + win - now end
redis.call('HINCRBY', k, 'count', 1)
return 0
`);

/** ARGV 8..9: room, token hash. */
export const leaveScript = wholeRoomScript(`
unseat(o, seat)
return done(o, { 'ok' })
`);

/**
 * ARGV 8..15: room, token hash, cursor epoch ('' for none), cursor seq, how long the poll's
 * presence must last (its hold, plus what carrying it on needs: see RedisPolls), limit, max
 * answer bytes, the calling instance's id. {'ok', participant, leaseId, epoch, seq, reset, event...} or
 * {'bad-token'}. The 'poll' signal (older polls give way, waiting closes are dropped) goes out
 * only when the lease before may still be held or closing on another instance (li, the
 * instance that opened it); the caller tells its own listeners itself.
 */
export const openPollScript = seatedScript(`
local elsewhere = seat.l ~= '' and seat.li ~= ARGV[15]
seat.li = ARGV[15]
seat.c = seat.c + 1
seat.l = tostring(seat.c)
-- A poll in flight: the unstable timer stops, and an unstable connection is steady again.
seat.ua = nil
if seat.cs == 'unstable' then
  seat.cs = 'steady'
  append(o, 'steady', seat)
end
-- The poll may be held (and carried on) this long; the participant stays present that long
-- and the usual timeout after. A later deadline: the index entry may run early, so nothing is written there.
local present = NOW + tonumber(ARGV[12]) + PRESENCE
if present > seat.u then
  seat.u = present
  grow(o, seat.u + IDLE)
end
save(o, seat)
if elsewhere then redis.call(PUB, channel(o), 'poll ' .. seat.id .. ' ' .. seat.l) end
commit(o)
return read({ 'ok', seat.id, seat.l }, o, ARGV[10], ARGV[11], tonumber(ARGV[13]), tonumber(ARGV[14]))
`);

/** ARGV 8..12: room, cursor epoch ('' for none), cursor seq, limit, max answer bytes. */
export const readScript = script(`
local o = quick(ARGV[8])
if not o then return { 'room-not-found' } end
commit(o)
return read({ 'ok' }, o, ARGV[9], ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12]))
`);

/**
 * ARGV 8..12: room, participant, leaseId, UNSTABLE_AFTER_MS ('' for never), when the poll
 * ended (store clock; the call may come later, see RedisPolls#close). Only the current
 * lease's end shortens presence and starts the unstable timer.
 */
export const closePollScript = script(`
local o, s = quick(ARGV[8], nil, ARGV[9])
if not o then return 0 end
if s and s.l == ARGV[10] then
  local ended = tonumber(ARGV[12])
  s.l = ''
  s.u = ended + PRESENCE
  if ARGV[11] ~= '' and s.cs ~= 'unstable' then s.ua = ended + tonumber(ARGV[11]) end
  lower(o, s)
  save(o, s)
end
commit(o)
return 1
`);

/**
 * KEYS[1..3]: a bucket's indexes; ARGV 8: batch size. Applies up to that many due entries of
 * each, so a run costs O(due), never a scan over rooms. Returns {how many entries were due,
 * the bucket's next deadline or '' when it has none}.
 */
export const sweepScript = script(`
local limit = tonumber(ARGV[8])
local seen = 0
local function visit(zset, entry, id)
  seen = seen + 1
  -- open() sets every seat's entry and the expiry entry exactly; commit() the rooms entry.
  local o = open(id)
  if o then commit(o) end
  -- Still due means nothing is behind the entry any more (its room expired unseen).
  local score = redis.call('ZSCORE', zset, entry)
  if score and tonumber(score) <= NOW then redis.call('ZREM', zset, entry) end
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', PRESENT, '-inf', NOW, 'LIMIT', 0, limit)) do
  visit(PRESENT, m, string.match(m, '^(%S+) '))
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', EXPIRY, '-inf', NOW, 'LIMIT', 0, limit)) do visit(EXPIRY, m, m) end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', ROOMS, '-inf', NOW, 'LIMIT', 0, limit)) do visit(ROOMS, m, m) end
local next = ''
for _, zset in ipairs({ PRESENT, EXPIRY, ROOMS }) do
  local first = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
  if #first > 0 and (next == '' or tonumber(first[2]) < tonumber(next)) then next = first[2] end
end
return { seen, next }
`);
