import keySlot from 'cluster-key-slot';

/**
 * Every Redis name the store uses, in one place. The Lua prelude builds a room's names
 * from the same parts, so only this module and the prelude spell them.
 *
 * Rooms are spread over BUCKETS buckets, each with its own hash tag: a room's keys and its
 * bucket's deadline indexes share one cluster slot, so every script touches one shard.
 * Per room, with T its bucket's tag:
 *   <prefix>room:{T}<id>    hash: cap, epoch, seq, idle (absent while seated), lock, ib, the
 *                           deadlines nd, xe, x, and t:<token hash> -> participant id (lua-prelude.ts)
 *   <prefix>seats:{T}<id>   hash: participant id -> seat JSON
 *   <prefix>events:{T}<id>  sorted set: score seq, member '<expiresAt> <event JSON>'
 *   <prefix>image:{T}<id>:<image id>   hash: t content type, w width, h height, b the bytes (dies with its event)
 *   <prefix>signal:{T}<id>  (sharded) pub/sub channel: see room-channels.ts
 * Per bucket, deadline indexes (sorted sets scored by the store clock's ms):
 *   <prefix>rooms:{T}       room id -> the room's last possible moment (counts live rooms)
 *   <prefix>presence:{T}    "<room> <participant>" -> no later than the seat's next deadline
 *   <prefix>expiry:{T}      room id -> when its log is next trimmed (xe) + 300 ms
 *   <prefix>due:{T}         (sharded) pub/sub channel: a deadline earlier than the bucket's earliest was indexed
 * Shared rate limits (e.g. new rooms per client address), gone with their window:
 *   <prefix>limit:<key>     hash: start, count
 */
export const KEY_PARTS = {
  room: 'room:',
  seats: 'seats:',
  events: 'events:',
  signal: 'signal:',
  image: 'image:',
  rooms: 'rooms:',
  presence: 'presence:',
  expiry: 'expiry:',
  due: 'due:',
  limit: 'limit:',
} as const;

/** Production prefix; tests use one per store so parallel suites never meet. */
export const DEFAULT_KEY_PREFIX = 'phc:';

// 12 divides evenly among 1, 2, 3, 4, 6 or 12 masters that split the slots equally (as
// `redis-cli --cluster create` does), and keeps a sweep of every bucket to 12 commands.
export const BUCKETS = 12;
const SLOTS = 16_384;

/**
 * Each bucket's hash tag: the first `<bucket>.<n>` whose slot falls in the bucket's
 * twelfth of the slot space, so the buckets spread evenly over the masters. The same on
 * every instance, as it depends on nothing but BUCKETS.
 */
export const BUCKET_TAGS: readonly string[] = Array.from({ length: BUCKETS }, (_, bucket) => {
  const low = Math.floor((bucket * SLOTS) / BUCKETS);
  const high = Math.floor(((bucket + 1) * SLOTS) / BUCKETS);
  for (let n = 0; ; n += 1) {
    const slot = keySlot(`${bucket}.${n}`);
    if (slot >= low && slot < high) return `${bucket}.${n}`;
  }
});

/** A room's bucket: its id's own slot, folded onto the buckets (room ids are random, so this is even). */
export function bucketOf(room: string): number {
  return keySlot(room) % BUCKETS;
}

export class RedisKeys {
  constructor(readonly prefix: string) {}

  private scoped(part: string, room: string): string {
    return `${this.prefix}${part}{${BUCKET_TAGS[bucketOf(room)]}}${room}`;
  }

  room(room: string): string {
    return this.scoped(KEY_PARTS.room, room);
  }

  seats(room: string): string {
    return this.scoped(KEY_PARTS.seats, room);
  }

  events(room: string): string {
    return this.scoped(KEY_PARTS.events, room);
  }

  image(room: string, image: string): string {
    return `${this.scoped(KEY_PARTS.image, room)}:${image}`;
  }

  channel(room: string): string {
    return this.scoped(KEY_PARTS.signal, room);
  }

  /** A bucket's deadline indexes, in the order the scripts take them as KEYS[1..3]. */
  indexes(bucket: number): [rooms: string, presence: string, expiry: string] {
    const tag = `{${BUCKET_TAGS[bucket]}}`;
    return [`${this.prefix}${KEY_PARTS.rooms}${tag}`, `${this.prefix}${KEY_PARTS.presence}${tag}`, `${this.prefix}${KEY_PARTS.expiry}${tag}`];
  }

  dueChannel(bucket: number): string {
    return `${this.prefix}${KEY_PARTS.due}{${BUCKET_TAGS[bucket]}}`;
  }

  limit(key: string): string {
    return `${this.prefix}${KEY_PARTS.limit}${key}`;
  }

  /** What a channel of ours is about: a room's signals, a bucket's due notices, or undefined. */
  parseChannel(channel: string): { room: string } | { bucket: number } | undefined {
    const signal = `${this.prefix}${KEY_PARTS.signal}{`;
    if (channel.startsWith(signal)) {
      const close = channel.indexOf('}', signal.length);
      return close < 0 ? undefined : { room: channel.slice(close + 1) };
    }
    const due = `${this.prefix}${KEY_PARTS.due}{`;
    if (!channel.startsWith(due)) return undefined;
    const bucket = BUCKET_TAGS.indexOf(channel.slice(due.length, -1));
    return bucket < 0 ? undefined : { bucket };
  }
}
