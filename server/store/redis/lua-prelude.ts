import { KEY_PARTS } from './keys.js';

/**
 * The Lua library every store script starts with (scripts.ts): the common arguments, key
 * names, and the two ways to open a room.
 *
 * The hot path (send, poll open, read, poll close) opens a room with one HMGET of its hash
 * (the token's seat id rides along as field `t:<token hash>`) and one HGET of the caller's
 * seat: O(1) whatever the room holds. The room hash keeps `nd`, no later than any seat's
 * next deadline, and `xe`, when its oldest event expires; only when `nd` or the idle
 * deadline has passed is the whole room loaded and every deadline applied, as
 * RoomRegistry.sweep does (about once per poll hold per room). Deadline indexes may run
 * early, never late: a seat's entry is moved earlier at once, later only when the room is
 * next loaded whole, so a poll open writes no index at all.
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
-- A seated room's last moment ('x') is written an eighth of IDLE ahead, so it is rewritten
-- once per IDLE/8 of activity rather than at every poll.
local ROOM_STEP = math.max(1000, IDLE / 8)
-- A room's log is trimmed at most every 250 ms, for four trims a second in a busy room
-- instead of one per event.
local TRIM_GAP = 250
-- The expiry index runs this far behind the room's own trim deadline (xe): a room in use
-- trims itself on its next call, so the sweepers visit only rooms that fell quiet. Text is
-- then gone within TRIM_GAP + EXPIRY_LAG + the sweeper's 250 ms gap = 800 ms of expiresAt.
local EXPIRY_LAG = 300
-- Expired events are looked at 8 at a time: a trim usually finds a few.
local TRIM_WINDOW = 8

local function names(id)
  return { id = id, rk = P .. '${KEY_PARTS.room}' .. TAG .. id, sk = P .. '${KEY_PARTS.seats}' .. TAG .. id,
    ek = P .. '${KEY_PARTS.events}' .. TAG .. id, seats = {}, full = false, woken = false, appended = {}, want = nil }
end

local function image_key(o, image_id) return P .. '${KEY_PARTS.image}' .. TAG .. o.id .. ':' .. image_id end

local function channel(o) return P .. '${KEY_PARTS.signal}' .. TAG .. o.id end

local function member(o, seat) return o.id .. ' ' .. seat.id end

-- The key outlives the store-clock moment 'at' by SLACK ms of real time.
local function expire_at(key, at)
  redis.call('PEXPIRE', key, math.max(1, math.floor(at - NOW + SLACK)))
end

-- An index key lives past 'at' (every entry of a room is before the room's last moment).
local function keep_index(zset, at)
  if redis.call('PTTL', zset) < at - NOW + SLACK then expire_at(zset, at) end
end

-- Scores room o's entry 'm' at 'at'. An entry earlier than any in its index wakes the
-- instances' sweepers early (deadline-sweeper.ts); an index made anew by it lives as long
-- as the room (commit() extends it for every room whose last moment moves).
local function index(o, zset, m, at)
  local first = redis.call('ZRANGE', zset, 0, 0, 'WITHSCORES')
  if #first == 0 or at < tonumber(first[2]) then redis.call(PUB, DUE, tostring(at)) end
  redis.call('ZADD', zset, at, m)
  if #first == 0 then keep_index(zset, math.max(at, o.x or at)) end
end

local function save(o, seat) redis.call('HSET', o.sk, seat.id, cjson.encode(seat)) end

-- A seat's one entry in the presence index: the earlier of its presence deadline (u) and
-- the moment its connection turns unstable (ua, set while no poll is in flight; cs is
-- 'unstable' once the others were told, else steady).
local function present_at(s)
  if s.ua and s.ua < s.u then return s.ua end
  return s.u
end

-- After a seat's deadline moved earlier: its index entry (pi) and the room's nd follow at
-- once. A later deadline needs nothing now (the entry runs early; see above). Save after.
local function lower(o, s)
  local at = present_at(s)
  if s.pi == nil or at < s.pi then
    index(o, PRESENT, member(o, s), at)
    s.pi = at
  end
  if o.nd == nil or at < o.nd then
    o.nd = at
    redis.call('HSET', o.rk, 'nd', at)
  end
end

-- The room must live until 'at' at least (a seat's presence deadline + IDLE).
local function grow(o, at)
  if o.want == nil or at > o.want then o.want = at end
end

-- Stored event: '<expiresAt> <json>', so a trim reads the time without decoding.
local function stored_json(m) return string.sub(m, string.find(m, ' ', 1, true) + 1) end

-- An image event's bytes go with it, and leave the room's image byte count ('ib').
local function drop_image(o, m)
  if not string.find(m, '"image":', 1, true) then return end
  local event = cjson.decode(stored_json(m))
  if not event.image then return end
  redis.call('DEL', image_key(o, event.image.id))
  redis.call('HINCRBY', o.rk, 'ib', -event.image.bytes)
end

-- 'gaps' is the send's cadence as a JSON array, or nil.
local function append(o, kind, seat, text, image, gaps)
  o.seq = redis.call('HINCRBY', o.rk, 'seq', 1)
  local event = { id = o.epoch .. '.' .. o.seq, type = kind, from = seat.id, name = seat.n, at = NOW, expiresAt = NOW + TTL }
  if text then event.text = text end
  if gaps then event.gaps = cjson.decode(gaps) end
  if image then event.image = image end
  local json = cjson.encode(event)
  redis.call('ZADD', o.ek, o.seq, (NOW + TTL) .. ' ' .. json)
  -- The log dies with its newest event.
  expire_at(o.ek, NOW + TTL)
  -- An event already in the log expires first; its deadline stays the room's.
  if o.xe == nil then
    o.xe = NOW + TTL
    redis.call('HSET', o.rk, 'xe', o.xe)
    index(o, EXPIRY, o.id, o.xe + EXPIRY_LAG)
  end
  table.insert(o.appended, json)
  o.woken = true
  return event.id
end

-- Drops expired events from the front (every event lives TTL, so expiry follows seq).
local function trim(o)
  if o.xe == nil or o.xe > NOW then return end
  local next = nil
  repeat
    local front = redis.call('ZRANGE', o.ek, 0, TRIM_WINDOW - 1)
    local gone = 0
    for _, m in ipairs(front) do
      local at = tonumber(string.sub(m, 1, string.find(m, ' ', 1, true) - 1))
      if at > NOW then
        next = at
        break
      end
      drop_image(o, m)
      gone = gone + 1
    end
    if gone > 0 then redis.call('ZREMRANGEBYRANK', o.ek, 0, gone - 1) end
  until next ~= nil or #front < TRIM_WINDOW
  if next == nil then
    o.xe = nil
    redis.call('HDEL', o.rk, 'xe')
    redis.call('ZREM', EXPIRY, o.id)
  else
    -- Moving the entry later never needs a notice.
    o.xe = math.max(next, NOW + TRIM_GAP)
    redis.call('HSET', o.rk, 'xe', o.xe)
    redis.call('ZADD', EXPIRY, o.xe + EXPIRY_LAG, o.id)
  end
end

-- The whole room: every field and every seat (sorted by join order, host first).
local function load(id)
  local o = names(id)
  local h = redis.call('HGETALL', o.rk)
  if #h == 0 then return nil end
  for i = 1, #h, 2 do o[h[i]] = h[i + 1] end
  o.cap, o.seq, o.idle, o.nd, o.xe, o.x = tonumber(o.cap), tonumber(o.seq), tonumber(o.idle), tonumber(o.nd), tonumber(o.xe), tonumber(o.x)
  local s = redis.call('HGETALL', o.sk)
  for i = 2, #s, 2 do table.insert(o.seats, cjson.decode(s[i])) end
  table.sort(o.seats, function(a, b) return a.j < b.j end)
  o.full = true
  return o
end

local function unseat(o, seat)
  redis.call('HDEL', o.sk, seat.id)
  redis.call('HDEL', o.rk, 't:' .. seat.t)
  redis.call('ZREM', PRESENT, member(o, seat))
  for i, s in ipairs(o.seats) do if s.id == seat.id then table.remove(o.seats, i) break end end
  append(o, 'leave', seat)
  if #o.seats == 0 then
    o.idle = NOW + IDLE
    redis.call('HSET', o.rk, 'idle', o.idle)
  end
end

local function delete(o)
  for _, m in ipairs(redis.call('ZRANGE', o.ek, 0, -1)) do drop_image(o, m) end
  for _, s in ipairs(o.seats) do redis.call('ZREM', PRESENT, member(o, s)) end
  redis.call('DEL', o.rk, o.sk, o.ek)
  redis.call('ZREM', ROOMS, o.id)
  redis.call('ZREM', EXPIRY, o.id)
end

-- Applies everything due in a loaded room: presence timeouts (in deadline order), unstable
-- connections of those still seated, expired events, idle deletion; then sets every seat's
-- index entry and the room's nd to their exact deadlines. False when the room is gone.
local function touch(o)
  local due = {}
  for _, s in ipairs(o.seats) do if s.u <= NOW then table.insert(due, s) end end
  table.sort(due, function(a, b) return a.u < b.u end)
  for _, s in ipairs(due) do unseat(o, s) end
  local shaky = {}
  for _, s in ipairs(o.seats) do if s.ua and s.ua <= NOW then table.insert(shaky, s) end end
  table.sort(shaky, function(a, b) return a.ua < b.ua end)
  local changed = {}
  for _, s in ipairs(shaky) do
    s.ua, s.cs = nil, 'unstable'
    append(o, 'unstable', s)
    changed[s.id] = true
  end
  trim(o)
  if #o.seats == 0 and o.idle ~= nil and o.idle <= NOW then
    delete(o)
    return false
  end
  local nd = nil
  for _, s in ipairs(o.seats) do
    local at = present_at(s)
    if s.pi ~= at then
      index(o, PRESENT, member(o, s), at)
      s.pi = at
      changed[s.id] = true
    end
    if changed[s.id] then save(o, s) end
    if nd == nil or at < nd then nd = at end
  end
  if nd ~= o.nd then
    o.nd = nd
    if nd == nil then redis.call('HDEL', o.rk, 'nd') else redis.call('HSET', o.rk, 'nd', nd) end
  end
  return true
end

local function open(id)
  local o = load(id)
  if o and touch(o) then return o end
  return nil
end

-- The hot path's opening: the room's scalars and, with 'tok', the token's seat. When a
-- deadline of the room has passed, the room is loaded whole and brought up to date first.
-- Returns the room (nil when gone) and the seat (nil when the token is not seated).
local function quick(id, tok, seat_id)
  local o = names(id)
  local h = redis.call('HMGET', o.rk, 'epoch', 'seq', 'nd', 'xe', 'x', 'idle', tok and ('t:' .. tok) or 'epoch')
  if not h[1] then return nil end
  o.epoch, o.seq, o.nd, o.xe, o.x, o.idle = h[1], tonumber(h[2]), tonumber(h[3]), tonumber(h[4]), tonumber(h[5]), tonumber(h[6])
  if (o.nd ~= nil and o.nd <= NOW) or (o.idle ~= nil and o.idle <= NOW) then
    o = open(id)
    if not o then return nil end
    for _, s in ipairs(o.seats) do
      if s.t == tok or s.id == seat_id then return o, s end
    end
    return o, nil
  end
  trim(o)
  local sid = seat_id
  if tok then sid = h[7] end
  if not sid then return o, nil end
  local json = redis.call('HGET', o.sk, sid)
  if not json then return o, nil end
  return o, cjson.decode(json)
end

-- Writes the room's last possible moment ('x': key expiries and its place in the rooms
-- index) when it must move: exactly the idle deadline when empty; when seated, ROOM_STEP
-- past what it must reach (the latest presence deadline + IDLE). Then wakes the room's
-- held polls with what was appended.
local function commit(o)
  local x = nil
  if o.full and #o.seats == 0 then
    if o.idle ~= o.x then x = o.idle end
  else
    local need = o.want
    if o.full then for _, s in ipairs(o.seats) do if need == nil or s.u + IDLE > need then need = s.u + IDLE end end end
    if need ~= nil and (o.x == nil or need > o.x or (o.full and o.x <= NOW)) then x = need + ROOM_STEP end
  end
  if x ~= nil then
    o.x = x
    redis.call('HSET', o.rk, 'x', x)
    expire_at(o.rk, x)
    expire_at(o.sk, x)
    index(o, ROOMS, o.id, x)
    keep_index(ROOMS, x)
    keep_index(PRESENT, x)
    keep_index(EXPIRY, x)
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

-- Appends to 'out': epoch, seq, reset flag, then up to 'limit' stored events after the cursor,
-- and past the first no more than 'max_bytes' of them (RoomBuffer.read's answer byte cap).
local function read(out, o, epoch, after, limit, max_bytes)
  local reset = epoch ~= '' and (epoch ~= o.epoch or tonumber(after) > o.seq)
  local from = 0
  if epoch ~= '' and not reset then from = tonumber(after) end
  table.insert(out, o.epoch)
  table.insert(out, tostring(o.seq))
  table.insert(out, reset and '1' or '0')
  -- Nothing after the cursor: skip the range query (the usual case for a poll that will be held).
  if from >= o.seq then return out end
  local bytes, taken = 0, 0
  for _, e in ipairs(redis.call('ZRANGEBYSCORE', o.ek, '(' .. from, '+inf', 'LIMIT', 0, limit)) do
    -- Expired events are filtered out by the caller; they still count here, which only ends an answer early.
    bytes = bytes + #e - string.find(e, ' ', 1, true)
    if bytes > max_bytes and taken > 0 then break end
    table.insert(out, e)
    taken = taken + 1
  end
  return out
end
`;
