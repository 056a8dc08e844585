import { KEY_PARTS } from './keys.js';

/**
 * The Lua library every store script starts with (scripts.ts): the common arguments,
 * key names, the room loaded as a Lua table, and the helpers that keep a room's
 * deadlines, indexes and key expiries in step.
 */
export const PRELUDE = `
local P, NOW, SLACK = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local TTL, PRESENCE, IDLE = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
-- PUBLISH on one Redis, SPUBLISH on a cluster (a sharded channel stays on the room's shard).
local PUB = ARGV[7]
-- KEYS[1..3] are the bucket's deadline indexes; the room's keys share their hash tag.
local ROOMS, PRESENT, EXPIRY = KEYS[1], KEYS[2], KEYS[3]
local TAG = '{' .. (string.match(KEYS[1] or '', '{(.-)}') or '') .. '}'
local DUE = P .. '${KEY_PARTS.due}' .. TAG

local function names(id)
  return { id = id, rk = P .. '${KEY_PARTS.room}' .. TAG .. id, sk = P .. '${KEY_PARTS.seats}' .. TAG .. id,
    ek = P .. '${KEY_PARTS.events}' .. TAG .. id, seats = {}, dirty = false, woken = false, appended = {} }
end

local function image_key(o, image_id) return P .. '${KEY_PARTS.image}' .. TAG .. o.id .. ':' .. image_id end

-- An image event's bytes go with it, and leave the room's image byte count ('ib').
local function drop_image(o, event)
  if not event.image then return end
  redis.call('DEL', image_key(o, event.image.id))
  redis.call('HINCRBY', o.rk, 'ib', -event.image.bytes)
end

local function channel(o) return P .. '${KEY_PARTS.signal}' .. TAG .. o.id end

-- The key outlives the store-clock moment 'at' by SLACK ms of real time.
local function expire_at(key, at)
  redis.call('PEXPIRE', key, math.max(1, math.floor(at - NOW + SLACK)))
end

-- Scores 'member' at 'at' and makes sure the index itself lives past its latest entry. An
-- entry earlier than any in its index wakes the instances' sweepers early (deadline-sweeper.ts).
local function index(zset, member, at)
  local first = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
  if #first == 0 or at < tonumber(first[2]) then redis.call(PUB, DUE, tostring(at)) end
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

-- 'gaps' is the send's cadence as a JSON array, or nil.
local function append(o, kind, seat, text, image, gaps)
  o.seq = redis.call('HINCRBY', o.rk, 'seq', 1)
  local event = { id = o.epoch .. '.' .. o.seq, type = kind, from = seat.id, name = seat.n, at = NOW, expiresAt = NOW + TTL }
  if text then event.text = text end
  if gaps then event.gaps = cjson.decode(gaps) end
  if image then event.image = image end
  local json = cjson.encode(event)
  redis.call('ZADD', o.ek, o.seq, json)
  table.insert(o.appended, json)
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
    local event = cjson.decode(first[1])
    if event.expiresAt > NOW then
      index(EXPIRY, o.id, event.expiresAt)
      return
    end
    redis.call('ZREMRANGEBYRANK', o.ek, 0, 0)
    drop_image(o, event)
  end
end

local function delete(o)
  for _, e in ipairs(redis.call('ZRANGE', o.ek, 0, -1)) do drop_image(o, cjson.decode(e)) end
  redis.call('DEL', o.rk, o.sk, o.ek)
  redis.call('ZREM', ROOMS, o.id)
  redis.call('ZREM', EXPIRY, o.id)
end

-- A seat's one entry in the presence index: the earlier of its presence deadline (u) and
-- the moment its connection turns unstable (ua, set while no poll is in flight; cs is
-- 'unstable' once the others were told, else steady).
local function present_at(s)
  if s.ua and s.ua < s.u then return s.ua end
  return s.u
end

-- Applies what is due in this room, as RoomRegistry.sweep does: presence timeouts (in
-- deadline order), unstable connections of those still seated, expired events, idle
-- deletion. False when the room is gone.
local function touch(o)
  local due = {}
  for _, s in ipairs(o.seats) do if s.u <= NOW then table.insert(due, s) end end
  table.sort(due, function(a, b) return a.u < b.u end)
  for _, s in ipairs(due) do unseat(o, s) end
  local shaky = {}
  for _, s in ipairs(o.seats) do if s.ua and s.ua <= NOW then table.insert(shaky, s) end end
  table.sort(shaky, function(a, b) return a.ua < b.ua end)
  for _, s in ipairs(shaky) do
    s.ua, s.cs = nil, 'unstable'
    save(o, s)
    append(o, 'unstable', s)
  end
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
-- seated), then wakes the room's held polls with what was appended.
local function commit(o)
  if o.dirty then
    local last = o.idle
    for _, s in ipairs(o.seats) do
      if last == nil or s.u + IDLE > last then last = s.u + IDLE end
    end
    expire_at(o.rk, last)
    expire_at(o.sk, last)
    index(ROOMS, o.id, last)
  end
  -- The events ride along (one per line; JSON escapes newlines), so woken polls need not read.
  if o.woken then redis.call(PUB, channel(o), 'events\\n' .. table.concat(o.appended, '\\n')) end
end

-- Every script that opened a room ends through here: commit it, then answer.
local function done(o, reply)
  commit(o)
  return reply
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

-- Appends to 'out': epoch, seq, reset flag, then up to 'limit' event JSONs after the cursor,
-- and past the first no more than 'max_bytes' of them (RoomBuffer.read's answer byte cap).
local function read(out, o, epoch, after, limit, max_bytes)
  local reset = epoch ~= '' and (epoch ~= o.epoch or tonumber(after) > o.seq)
  local from = 0
  if epoch ~= '' and not reset then from = tonumber(after) end
  table.insert(out, o.epoch)
  table.insert(out, tostring(o.seq))
  table.insert(out, reset and '1' or '0')
  local bytes, taken = 0, 0
  for _, e in ipairs(redis.call('ZRANGEBYSCORE', o.ek, '(' .. from, '+inf', 'LIMIT', 0, limit)) do
    -- Expired events are filtered out by the caller; they still count here, which only ends an answer early.
    bytes = bytes + #e
    if bytes > max_bytes and taken > 0 then break end
    table.insert(out, e)
    taken = taken + 1
  end
  return out
end
`;

