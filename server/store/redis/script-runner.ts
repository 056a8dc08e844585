import type { Logger } from '../../logger.js';
import { RoomError } from '../room-store.js';
import type { RedisClient } from './connect.js';
import { BUCKETS, bucketOf, type RedisKeys } from './keys.js';
import type { BufferReply, LuaScript, Reply, ScriptArg } from './lua-script.js';

/**
 * How the store talks to Redis: every script with the common arguments first (scripts.ts), a
 * room's with its keys, and any failure but a RoomError turned into RoomError('unavailable')
 * (Redis away, or a bug: worth a log line, never an answer the client could learn from).
 */
export class ScriptRunner {
  /** Set when the store has closed: everything answers 'unavailable' from then on. */
  closed = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly common: () => ScriptArg[],
    private readonly logger: Logger,
    /** Told how long each answered call took, for the operators' round-trip histogram. */
    private readonly onRoundTrip?: (durationMs: number) => void,
  ) {}

  /** A room's script (its first argument is the room) with the room's keys. */
  room(script: LuaScript, room: string, ...args: ScriptArg[]): Promise<Reply> {
    return this.guard(() => script.run(this.redis, this.roomKeys(room), [...this.common(), room, ...args]));
  }

  /** As room(), with the reply's strings as raw bytes. */
  roomBuffer(script: LuaScript, room: string, ...args: ScriptArg[]): Promise<BufferReply> {
    return this.guard(() => script.runBuffer(this.redis, this.roomKeys(room), [...this.common(), room, ...args]));
  }

  /** A script of other keys (a bucket's indexes, a rate limit's key), all in one hash slot. */
  keyed(script: LuaScript, keys: string[], ...args: ScriptArg[]): Promise<Reply> {
    return this.guard(() => script.run(this.redis, keys, [...this.common(), ...args]));
  }

  /** One count per bucket (each on its own shard), added up; not a round trip of its own for the histogram. */
  async sumOverBuckets(count: (rooms: string, presence: string) => Promise<number>): Promise<number> {
    if (this.closed) throw new RoomError('unavailable');
    try {
      const counts = await Promise.all(
        Array.from({ length: BUCKETS }, (_, bucket) => {
          const [rooms, presence] = this.keys.indexes(bucket);
          return count(rooms, presence);
        }),
      );
      return counts.reduce((sum, n) => sum + n, 0);
    } catch {
      throw new RoomError('unavailable');
    }
  }

  /** KEYS for a room's scripts: its bucket's indexes, then its own keys (one hash slot). */
  private roomKeys(room: string): string[] {
    return [...this.keys.indexes(bucketOf(room)), this.keys.room(room), this.keys.seats(room), this.keys.events(room)];
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) throw new RoomError('unavailable');
    try {
      const started = performance.now();
      const reply = await call();
      this.onRoundTrip?.(performance.now() - started);
      return reply;
    } catch (error) {
      if (error instanceof RoomError) throw error;
      // A script error (a bug, not an outage) is worth a line; the message may quote arguments, so only its name.
      if (this.redis.status === 'ready') this.logger.log('error', 'redis command failed', { errorName: error instanceof Error ? error.name : typeof error });
      throw new RoomError('unavailable');
    }
  }
}
