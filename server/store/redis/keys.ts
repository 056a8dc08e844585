/**
 * Every Redis name the store uses, in one place. The Lua scripts build the same names
 * from the same parts (see `LUA_NAMES` in scripts.ts), so only this module spells them.
 *
 * Per room (the `{room}` hash tag keeps a room's keys in one cluster slot):
 *   <prefix>room:{id}    hash: cap, epoch, seq, idle (absent while seated)
 *   <prefix>seats:{id}   hash: participant id -> seat JSON
 *   <prefix>events:{id}  sorted set: score seq, member event JSON
 *   <prefix>image:{id}:<image id>   hash: t content type, w width, h height, b the bytes (dies with its event)
 *   <prefix>signal:{id}  pub/sub channel: "events" | "poll <participant> <leaseId>"
 * Global deadline indexes (sorted sets scored by the store clock's ms):
 *   <prefix>rooms        room id -> the room's last possible moment (counts live rooms)
 *   <prefix>presence     "<room> <participant>" -> presence deadline
 *   <prefix>expiry       room id -> its oldest event's expiresAt
 * Shared rate limits (e.g. new rooms per client address), gone with their window:
 *   <prefix>limit:<key>  hash: start, count
 */
export const KEY_PARTS = {
  room: 'room:',
  seats: 'seats:',
  events: 'events:',
  signal: 'signal:',
  image: 'image:',
  rooms: 'rooms',
  presence: 'presence',
  expiry: 'expiry',
  limit: 'limit:',
} as const;

/** Production prefix; tests use one per store so parallel suites never meet. */
export const DEFAULT_KEY_PREFIX = 'phc:';

export class RedisKeys {
  constructor(readonly prefix: string) {}

  room(room: string): string {
    return `${this.prefix}${KEY_PARTS.room}{${room}}`;
  }

  seats(room: string): string {
    return `${this.prefix}${KEY_PARTS.seats}{${room}}`;
  }

  events(room: string): string {
    return `${this.prefix}${KEY_PARTS.events}{${room}}`;
  }

  image(room: string, image: string): string {
    return `${this.prefix}${KEY_PARTS.image}{${room}}:${image}`;
  }

  channel(room: string): string {
    return `${this.prefix}${KEY_PARTS.signal}{${room}}`;
  }

  /** The room a channel belongs to, or undefined for a channel that is not ours. */
  roomOfChannel(channel: string): string | undefined {
    const head = `${this.prefix}${KEY_PARTS.signal}{`;
    if (!channel.startsWith(head) || !channel.endsWith('}')) return undefined;
    return channel.slice(head.length, -1);
  }
}
