import { KEY_PARTS } from './keys.js';
import { LuaScript } from './lua-script.js';

/**
 * The store's Lua scripts. Each runs atomically in Redis, so a room's read-check-write
 * (seat counting, seq retries, append + trim + notify, exactly one `leave` per timed-out
 * participant) never interleaves with another instance's.
 *
 * Every script takes the same first six arguments (ARGV[1..6]): key prefix, the caller's
 * `now`, expiry slack, message TTL, presence timeout, room idle time; its own follow.
 * Protocol time is always the caller's `now` (the injected clock); the PEXPIREs only
 * back that up, so a Redis left alone by every instance still empties itself.
 *
 * The scripts build key names from the prefix (numkeys 0), so they need a non-cluster
 * Redis, which every Heroku Redis plan is.
 */

// Shared by every script: clock, key names, the room loaded as a Lua table, and the
// helpers that keep a room's deadlines, indexes and key expiries in step.
const PRELUDE = `
local P, NOW, SLACK = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local TTL, PRESENCE, IDLE = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local ROOMS, PRESENT, EXPIRY = P .. '${KEY_PARTS.rooms}', P .. '${KEY_PARTS.presence}', P .. '${KEY_PARTS.expiry}'

local function names(id)
  return { id = id, rk = P .. '${KEY_PARTS.room}{' .. id .. '}', sk = P .. '${KEY_PARTS.seats}{' .. id .. '}',
    ek = P .. '${KEY_PARTS.events}{' .. id .. '}', seats = {}, dirty = false, woken = false }
end

local function channel(o) return P .. '${KEY_PARTS.signal}{' .. o.id .. '}' end

-- The key outlives the store-clock moment 'at' by SLACK ms of real time.
local function expire_at(key, at)
  redis.call('PEXPIRE', key, math.max(1, math.floor(at - NOW + SLACK)))
end

-- Scores 'member' at 'at' and makes sure the index itself lives past its latest entry.
local function index(zset, member, at)
  redis.call('ZADD', zset, at, member)
  if redis.call('PTTL', zset) < at - NOW + SLACK then expire_at(zset, at) end
end

local function load(id)
  local o = names(id)
  local h = redis.call('HGETALL', o.rk)
  if #h == 0 then return nil end
  for i = 1, #h, 2 do o[h[i]] = h[i + 1] end
  o.cap, o.seq, o.idle = tonumber(o.cap), tonumber(o.seq), tonumber(o.idle)
  local s = redis.call('HGETALL', o.sk)
  for i = 2, #s, 2 do table.insert(o.seats, cjson.decode(s[i])) end
  table.sort(o.seats, function(a, b) return a.j < b.j end)
  return o
end

local function save(o, seat) redis.call('HSET', o.sk, seat.id, cjson.encode(seat)) end

local function append(o, kind, seat, text)
  o.seq = redis.call('HINCRBY', o.rk, 'seq', 1)
  local event = { id = o.epoch .. '.' .. o.seq, type = kind, from = seat.id, name = seat.n, at = NOW, expiresAt = NOW + TTL }
  if text then event.text = text end
  redis.call('ZADD', o.ek, o.seq, cjson.encode(event))
  -- The log dies with its newest event.
  expire_at(o.ek, NOW + TTL)
  -- An event already in the log expires first; its deadline stays the room's.
  if not redis.call('ZSCORE', EXPIRY, o.id) then index(EXPIRY, o.id, NOW + TTL) end
  o.woken = true
  return event.id
end

local function unseat(o, seat)
  redis.call('HDEL', o.sk, seat.id)
  redis.call('ZREM', PRESENT, o.id .. ' ' .. seat.id)
  for i, s in ipairs(o.seats) do if s.id == seat.id then table.remove(o.seats, i) break end end
  append(o, 'leave', seat)
  if #o.seats == 0 then
    o.idle = NOW + IDLE
    redis.call('HSET', o.rk, 'idle', o.idle)
  end
  o.dirty = true
end

-- Drops expired events from the front (every event lives TTL, so expiry follows seq).
local function trim(o)
  local due = redis.call('ZSCORE', EXPIRY, o.id)
  if due and tonumber(due) > NOW then return end
  while true do
    local first = redis.call('ZRANGE', o.ek, 0, 0)
    if #first == 0 then
      redis.call('ZREM', EXPIRY, o.id)
      return
    end
    local expires = cjson.decode(first[1]).expiresAt
    if expires > NOW then
      index(EXPIRY, o.id, expires)
      return
    end
    redis.call('ZREMRANGEBYRANK', o.ek, 0, 0)
  end
end

local function delete(o)
  redis.call('DEL', o.rk, o.sk, o.ek)
  redis.call('ZREM', ROOMS, o.id)
  redis.call('ZREM', EXPIRY, o.id)
end

-- Applies what is due in this room, as RoomRegistry.sweep does: presence timeouts (in
-- deadline order), expired events, idle deletion. False when the room is gone.
local function touch(o)
  local due = {}
  for _, s in ipairs(o.seats) do if s.u <= NOW then table.insert(due, s) end end
  table.sort(due, function(a, b) return a.u < b.u end)
  for _, s in ipairs(due) do unseat(o, s) end
  trim(o)
  if #o.seats == 0 and o.idle ~= nil and o.idle <= NOW then
    delete(o)
    return false
  end
  return true
end

local function open(id)
  local o = load(id)
  if o and touch(o) then return o end
  return nil
end

-- Writes what changed: key expiries and the room's place in the rooms index (its last
-- possible moment: idle deadline when empty, latest presence deadline + IDLE when
-- seated), then wakes the room's held polls.
local function settle(o)
  if o.dirty then
    local last = o.idle
    for _, s in ipairs(o.seats) do
      if last == nil or s.u + IDLE > last then last = s.u + IDLE end
    end
    expire_at(o.rk, last)
    expire_at(o.sk, last)
    index(ROOMS, o.id, last)
  end
  if o.woken then redis.call('PUBLISH', channel(o), 'events') end
end

local function seat_of(o, hash)
  for _, s in ipairs(o.seats) do if s.t == hash then return s end end
  return nil
end

local function roster(out, o)
  for _, s in ipairs(o.seats) do
    table.insert(out, s.id)
    table.insert(out, s.n)
  end
  return out
end

-- Appends to 'out': epoch, seq, reset flag, then up to 'limit' event JSONs after the cursor.
local function read(out, o, epoch, after, limit)
  local reset = epoch ~= '' and (epoch ~= o.epoch or tonumber(after) > o.seq)
  local from = 0
  if epoch ~= '' and not reset then from = tonumber(after) end
  table.insert(out, o.epoch)
  table.insert(out, tostring(o.seq))
  table.insert(out, reset and '1' or '0')
  for _, e in ipairs(redis.call('ZRANGEBYSCORE', o.ek, '(' .. from, '+inf', 'LIMIT', 0, limit)) do
    table.insert(out, e)
  end
  return out
end
`;

function script(body: string): LuaScript {
  return new LuaScript(`${PRELUDE}\n${body}`);
}

/** ARGV 7..10: room, capacity, epoch, maxRooms. 1 created, 0 taken, -1 server full. */
export const createScript = script(`
local o = load(ARGV[7])
if o and touch(o) then
  settle(o)
  return 0
end
if redis.call('ZCOUNT', ROOMS, '(' .. NOW, '+inf') >= tonumber(ARGV[10]) then return -1 end
o = names(ARGV[7])
o.idle, o.dirty = NOW + IDLE, true
redis.call('HSET', o.rk, 'cap', ARGV[8], 'epoch', ARGV[9], 'seq', 0, 'idle', o.idle)
settle(o)
return 1
`);

/** ARGV 7: room. {} when gone, else {capacity, id, name, id, name, ...}. */
export const getRoomScript = script(`
local o = open(ARGV[7])
if not o then return {} end
settle(o)
return roster({ o.cap }, o)
`);

/** ARGV 7..10: room, name, participant id, token hash. */
export const joinScript = script(`
local o = open(ARGV[7])
if not o then return { 'room-not-found' } end
local status = nil
if #o.seats >= o.cap then status = 'room-full' end
for _, s in ipairs(o.seats) do if s.id == ARGV[9] then status = 'retry' end end
if status then
  settle(o)
  return { status }
end
local cursor = o.epoch .. '.' .. o.seq
local seat = { id = ARGV[9], n = ARGV[8], t = ARGV[10], q = '-1', e = '', s = 'here', l = '', c = 0, u = NOW + PRESENCE, j = o.seq + 1 }
table.insert(o.seats, seat)
o.idle, o.dirty = nil, true
redis.call('HDEL', o.rk, 'idle')
save(o, seat)
index(PRESENT, o.id .. ' ' .. seat.id, seat.u)
append(o, 'join', seat)
settle(o)
return roster({ 'ok', cursor, o.cap }, o)
`);

/** ARGV 7..8: room, token hash. {'ok', participant, name} or {'bad-token'}. */
export const authenticateScript = script(`
local o = open(ARGV[7])
if not o then return { 'bad-token' } end
local seat = seat_of(o, ARGV[8])
settle(o)
if not seat then return { 'bad-token' } end
return { 'ok', seat.id, seat.n }
`);

/** ARGV 7..11: room, token hash, text, seq ('' for none), max live events. {'ok', id} or {error}. */
export const sendScript = script(`
local o = open(ARGV[7])
if not o then return { 'bad-token' } end
local seat = seat_of(o, ARGV[8])
local status = nil
if not seat then
  status = 'bad-token'
elseif ARGV[10] ~= '' and tonumber(ARGV[10]) <= tonumber(seat.q) and seat.e ~= '' then
  settle(o)
  return { 'ok', seat.e }
elseif redis.call('ZCARD', o.ek) >= tonumber(ARGV[11]) then
  status = 'room-busy'
end
if status then
  settle(o)
  return { status }
end
local id = append(o, 'text', seat, ARGV[9])
if ARGV[10] ~= '' then seat.q = ARGV[10] end
seat.e = id
save(o, seat)
settle(o)
return { 'ok', id }
`);

/** ARGV 7..10: room, token hash, 'away' | 'here', max live events. */
export const presenceScript = script(`
local o = open(ARGV[7])
if not o then return { 'bad-token' } end
local seat = seat_of(o, ARGV[8])
local status = nil
if not seat then
  status = 'bad-token'
elseif seat.s == ARGV[9] then
  status = 'ok'
elseif redis.call('ZCARD', o.ek) >= tonumber(ARGV[10]) then
  status = 'room-busy'
end
if status then
  settle(o)
  return { status }
end
seat.s = ARGV[9]
save(o, seat)
if ARGV[9] == 'away' then append(o, 'away', seat) else append(o, 'back', seat) end
settle(o)
return { 'ok' }
`);

/** ARGV 7..8: room, token hash. */
export const leaveScript = script(`
local o = open(ARGV[7])
if not o then return { 'bad-token' } end
local seat = seat_of(o, ARGV[8])
if seat then unseat(o, seat) end
settle(o)
if not seat then return { 'bad-token' } end
return { 'ok' }
`);

/**
 * ARGV 7..12: room, token hash, cursor epoch ('' for none), cursor seq, holdMs, limit.
 * {'ok', participant, leaseId, epoch, seq, reset, event...} or {'bad-token'}.
 */
export const openPollScript = script(`
local o = open(ARGV[7])
if not o then return { 'bad-token' } end
local seat = seat_of(o, ARGV[8])
if not seat then
  settle(o)
  return { 'bad-token' }
end
seat.c = seat.c + 1
seat.l = tostring(seat.c)
-- The poll may be held holdMs; the participant stays present that long and the usual timeout after.
local present = NOW + tonumber(ARGV[11]) + PRESENCE
if present > seat.u then seat.u = present end
save(o, seat)
index(PRESENT, o.id .. ' ' .. seat.id, seat.u)
o.dirty = true
redis.call('PUBLISH', channel(o), 'poll ' .. seat.id .. ' ' .. seat.l)
settle(o)
return read({ 'ok', seat.id, seat.l }, o, ARGV[9], ARGV[10], tonumber(ARGV[12]))
`);

/** ARGV 7..10: room, cursor epoch ('' for none), cursor seq, limit. */
export const readScript = script(`
local o = open(ARGV[7])
if not o then return { 'room-not-found' } end
settle(o)
return read({ 'ok' }, o, ARGV[8], ARGV[9], tonumber(ARGV[10]))
`);

/** ARGV 7..9: room, participant, leaseId. Shortens presence only for the current lease. */
export const closePollScript = script(`
local o = open(ARGV[7])
if not o then return 0 end
for _, s in ipairs(o.seats) do
  if s.id == ARGV[8] and s.l == ARGV[9] then
    s.l = ''
    s.u = NOW + PRESENCE
    save(o, s)
    index(PRESENT, o.id .. ' ' .. s.id, s.u)
    o.dirty = true
  end
end
settle(o)
return 1
`);

/**
 * ARGV 7: batch size. Applies up to that many due entries of each deadline index, so a
 * tick costs O(due), never a scan over rooms. Returns how many entries were due.
 */
export const sweepScript = script(`
local limit = tonumber(ARGV[7])
local seen = 0
local function visit(zset, member, id)
  seen = seen + 1
  local o = load(id)
  if o and touch(o) then
    if zset == ROOMS then o.dirty = true end
    if zset == PRESENT then
      for _, s in ipairs(o.seats) do
        if o.id .. ' ' .. s.id == member then index(PRESENT, member, s.u) end
      end
    end
    settle(o)
  end
  -- Still due means nothing is behind the entry any more (its room expired unseen).
  local score = redis.call('ZSCORE', zset, member)
  if score and tonumber(score) <= NOW then redis.call('ZREM', zset, member) end
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', PRESENT, '-inf', NOW, 'LIMIT', 0, limit)) do
  visit(PRESENT, m, string.match(m, '^(%S+) '))
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', EXPIRY, '-inf', NOW, 'LIMIT', 0, limit)) do visit(EXPIRY, m, m) end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', ROOMS, '-inf', NOW, 'LIMIT', 0, limit)) do visit(ROOMS, m, m) end
return seen
`);
