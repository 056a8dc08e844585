import type { ImageType, JoinResponse, ParticipantInfo, PollResponse, PresenceState, SendResponse, Untimed } from '../protocol.js';
import type { Cursor } from '../domain/cursor.js';
import { EPOCH_BYTES, PARTICIPANT_ID_BYTES, randomId as cryptoRandomId, TOKEN_BYTES, type RandomId } from '../domain/random-id.js';
import { DEFAULT_JOIN_KEY_WINDOW_MS, type RegistryOptions } from '../domain/registry-options.js';
import { silentLogger, type Logger } from '../logger.js';
import { BUCKETS, DEFAULT_KEY_PREFIX, RedisKeys } from './redis/keys.js';
import { connect, whenReady, type RedisClient } from './redis/connect.js';
import { DeadlineSweeper, type BucketSweep } from './redis/deadline-sweeper.js';
import { joinKeyHash, openToken, sealToken } from './redis/join-key-seal.js';
import { RedisPolls } from './redis/redis-polls.js';
import { ok, roster, strings } from './redis/replies.js';
import { RoomChannels } from './redis/room-channels.js';
import { ScriptRunner } from './redis/script-runner.js';
import { TokenHashes } from './redis/token-hashes.js';
import * as scripts from './redis/scripts.js';
import {
  RoomError,
  type OpenPoll,
  type RoomSignal,
  type RoomSnapshot,
  type RoomStore,
  type StoreCounts,
  type SharedImage,
  type StoredImage,
} from './room-store.js';
import { systemTimers, type Timers } from '../timers.js';

export interface RedisStoreOptions extends Omit<RegistryOptions, 'imageBudget'> {
  url: string;
  /** Prepended to every key and channel; tests give each store its own. */
  keyPrefix?: string;
  /** How long (real ms) a key outlives its deadline on the store clock: the crash backstop's margin. */
  expirySlackMs?: number;
  /** `url` is any node of a Redis Cluster. */
  cluster?: boolean;
  /**
   * Longest the deadline sweeper sleeps before looking at every bucket (it wakes sooner for
   * any deadline it knows of). Tests on a manual clock, which no timer follows, set it small.
   */
  sweepMaxSleepMs?: number;
  /**
   * How long a poll's close waits to be made moot by the participant's next poll (see
   * PollLeases); 0 sends it at once and carries no lease on, as tests on a manual clock need.
   */
  pollCloseGraceMs?: number;
  timers?: Timers;
  logger?: Logger;
  /** Told how long each answered script took, for the operators' round-trip histogram. */
  onRoundTrip?: (durationMs: number) => void;
}

// 1 s: covers clock skew between dynos and Redis's own expiry sampling; the sweep removes
// text at expiresAt, so this margin only matters when no instance is alive.
const DEFAULT_EXPIRY_SLACK_MS = 1_000;
// 10 min: every bucket is looked at this often even when no deadline was announced (12
// calls per 10 min), a backstop for a notice lost in flight; reconnections resync at once.
const DEFAULT_SWEEP_MAX_SLEEP_MS = 600_000;
// A client polls again well within 1 s of its answer (one round trip), so most closes are
// never sent; half of UNSTABLE_AFTER_MS at most, so the unstable notice is never late for it.
const CLOSE_GRACE_MS = 1_000;
// Entries handled per index and script run; a longer backlog is worked off in back-to-back runs.
const SWEEP_BATCH = 500;
// How long start-up waits for Redis before serving anyway (answering 503 until it comes).
const START_WAIT_MS = 3_000;
// A drawn participant id that is already seated is drawn again; 2^48 ids make one retry rare.
const MAX_JOIN_DRAWS = 5;
// Only has to differ between the processes sharing one Redis.
const INSTANCE_ID_BYTES = 9;
// What stands for no limit in a script argument (Lua has no infinity literal): the send
// allowance without sendRate, the answer byte cap without POLL_MAX_BYTES.
const UNLIMITED = 1e12;

/**
 * Rooms in Redis, so any number of processes serve one room with no sticky sessions.
 * The data model is in docs/redis.md. Every room operation is one Lua script
 * (redis/scripts.ts); held polls wake through one pub/sub connection per process.
 * When Redis does not answer, every method rejects with RoomError('unavailable').
 */
export class RedisStore implements RoomStore {
  private readonly redis: RedisClient;
  /** The same client as `redis` on a cluster (sharded subscribers live beside its command connections). */
  private readonly subscriber: RedisClient;
  private readonly channels: RoomChannels;
  private readonly keys: RedisKeys;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly randomId: RandomId;
  private readonly logger: Logger;
  private readonly runner: ScriptRunner;
  private readonly sweeper: DeadlineSweeper;
  private readonly polls: RedisPolls;
  private readonly tokens = new TokenHashes();
  private closing = false;
  private closed = false;

  constructor(private readonly options: RedisStoreOptions) {
    this.now = options.now;
    this.timers = options.timers ?? systemTimers;
    this.randomId = options.randomId ?? cryptoRandomId;
    this.logger = options.logger ?? silentLogger;
    this.keys = new RedisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    const slackMs = options.expirySlackMs ?? DEFAULT_EXPIRY_SLACK_MS;
    const cluster = options.cluster === true;
    const publish = cluster ? 'SPUBLISH' : 'PUBLISH';
    this.redis = connect(options.url, cluster ? 'cluster' : 'commands', this.logger, cluster);
    this.subscriber = cluster ? this.redis : connect(options.url, 'signals', this.logger);
    const common = () => [this.keys.prefix, this.now(), slackMs, options.ttlMs, options.presenceTimeoutMs, options.roomIdleMs, publish];
    this.runner = new ScriptRunner(this.redis, this.keys, common, this.logger, options.onRoundTrip);
    this.sweeper = new DeadlineSweeper({
      buckets: BUCKETS,
      sweep: (bucket) => this.sweepBucket(bucket),
      now: this.now,
      timers: this.timers,
      maxSleepMs: options.sweepMaxSleepMs ?? DEFAULT_SWEEP_MAX_SLEEP_MS,
      batch: SWEEP_BATCH,
    });
    const graceMs = options.pollCloseGraceMs ?? (options.unstableAfterMs === undefined ? CLOSE_GRACE_MS : Math.min(CLOSE_GRACE_MS, options.unstableAfterMs / 2));
    this.channels = new RoomChannels(this.subscriber, this.keys, this.timers, {
      sharded: cluster,
      onDue: (bucket, at) => this.sweeper.due(bucket, at),
      onPoll: (room, participant, leaseId) => this.polls.leases.drop(`${room} ${participant}`, Number(leaseId)),
      maxEventBytes: options.pollMaxBytes,
      // Due notices published while the subscriber was away are lost: look at every bucket.
      onResubscribed: () => this.sweeper.resync(),
    });
    this.polls = new RedisPolls(this.runner, this.channels, {
      now: this.now,
      timers: this.timers,
      graceMs,
      presenceTimeoutMs: options.presenceTimeoutMs,
      unstableAfterMs: options.unstableAfterMs,
      maxAnswerBytes: options.pollMaxBytes ?? UNLIMITED,
      instanceId: this.randomId(INSTANCE_ID_BYTES),
      connected: () => this.connected(),
    });
  }

  /** A store whose connections are up, or that gave Redis `waitMs` to come (then it serves 503 until it does). */
  static async connect(options: RedisStoreOptions, waitMs = START_WAIT_MS): Promise<RedisStore> {
    const store = new RedisStore(options);
    await Promise.all([whenReady(store.redis, waitMs), whenReady(store.subscriber, waitMs)]);
    return store;
  }

  async createRoom(room: string, capacity: number): Promise<boolean> {
    // The buckets live on different shards, so no one script can count them all: instances
    // creating rooms at the same moment can overshoot MAX_ROOMS by as many as they create.
    if ((await this.liveRooms()) >= this.options.maxRooms) throw new RoomError('server-full');
    return (await this.runner.room(scripts.createScript, room, capacity, this.randomId(EPOCH_BYTES))) === 1;
  }

  async getRoom(room: string): Promise<RoomSnapshot | undefined> {
    const reply = strings(await this.runner.room(scripts.getRoomScript, room));
    if (reply.length === 0) return undefined;
    const participants = roster(reply.slice(2));
    return { room, capacity: Number(reply[0]), participants, host: participants[0]?.id, locked: reply[1] === '1' };
  }

  async join(room: string, name: string, key?: string): Promise<Untimed<JoinResponse>> {
    const windowMs = this.options.joinKeyWindowMs ?? DEFAULT_JOIN_KEY_WINDOW_MS;
    for (let draw = 0; draw < MAX_JOIN_DRAWS; draw += 1) {
      const token = this.randomId(TOKEN_BYTES);
      const participant = this.randomId(PARTICIPANT_ID_BYTES);
      const keyArgs = key === undefined ? ['', ''] : [joinKeyHash(room, key), sealToken(room, key, token)];
      const reply = strings(await this.runner.room(scripts.joinScript, room, name, participant, this.tokens.of(token), ...keyArgs, windowMs));
      if (reply[0] === 'retry') continue;
      if (reply[0] === 'again') {
        const [, cursor, capacity, seated, sealed, seatedName] = reply;
        const again = openToken(room, key ?? '', sealed!);
        if (again === undefined) throw new Error('join key seal does not open');
        const participants = roster(reply.slice(6));
        return { participant: seated!, token: again, name: seatedName!, cursor: cursor!, capacity: Number(capacity), participants, host: participants[0]?.id ?? seated! };
      }
      const [cursor, capacity] = ok(reply);
      const participants = roster(reply.slice(3));
      return { participant, token, name, cursor: cursor!, capacity: Number(capacity), participants, host: participants[0]?.id ?? participant };
    }
    throw new Error('participant id space exhausted');
  }

  async kick(room: string, token: string, participant: string): Promise<void> {
    ok(strings(await this.runner.room(scripts.kickScript, room, this.tokens.of(token), participant)));
  }

  async setLocked(room: string, token: string, locked: boolean): Promise<void> {
    ok(strings(await this.runner.room(scripts.lockScript, room, this.tokens.of(token), locked ? '1' : '0')));
  }

  async authenticate(room: string, token: string): Promise<ParticipantInfo> {
    const [participant, name] = ok(strings(await this.runner.room(scripts.authenticateScript, room, this.tokens.of(token))));
    return { id: participant!, name: name! };
  }

  async send(room: string, token: string, text: string, seq?: number, gaps?: number[]): Promise<SendResponse> {
    const rate = this.options.sendRate;
    const limits = rate === undefined ? [UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED] : [rate.charsPerSecond, rate.charsBurst, rate.sendsPerSecond, rate.sendsBurst];
    const reply = strings(await this.runner.room(scripts.sendScript, room, this.tokens.of(token), text, seq ?? '', this.options.maxEventsPerRoom, [...text].length, ...limits, gaps === undefined || gaps.length === 0 ? '' : JSON.stringify(gaps)));
    if (reply[0] === 'rate-limited') throw new RoomError('rate-limited', Number(reply[1]));
    const [id] = ok(reply);
    return { id: id! };
  }

  async shareImage(room: string, token: string, image: StoredImage): Promise<SharedImage> {
    const { info, data } = image;
    const maxRoomBytes = this.options.maxRoomImageBytes ?? Number.MAX_SAFE_INTEGER;
    const args = [this.tokens.of(token), this.options.maxEventsPerRoom, maxRoomBytes, info.id, info.type, info.width, info.height, Buffer.from(data.buffer, data.byteOffset, data.byteLength)];
    const [id, expiresAt] = ok(strings(await this.runner.room(scripts.shareImageScript, room, ...args)));
    return { id: id!, expiresAt: Number(expiresAt) };
  }

  async getImage(room: string, token: string, imageId: string): Promise<StoredImage | undefined> {
    const reply = await this.runner.roomBuffer(scripts.getImageScript, room, this.tokens.of(token), imageId);
    const [status, type, width, height, data] = Array.isArray(reply) ? reply : [];
    const code = Buffer.isBuffer(status) ? status.toString() : '';
    if (code === 'gone') return undefined;
    ok([code]);
    if (!Buffer.isBuffer(type) || !Buffer.isBuffer(data)) throw new Error('unexpected image reply');
    const info = { id: imageId, type: type.toString() as ImageType, bytes: data.byteLength, width: Number(String(width)), height: Number(String(height)) };
    return { info, data };
  }

  async setPresence(room: string, token: string, state: PresenceState): Promise<void> {
    ok(strings(await this.runner.room(scripts.presenceScript, room, this.tokens.of(token), state, this.options.maxEventsPerRoom)));
  }

  async leave(room: string, token: string): Promise<void> {
    ok(strings(await this.runner.room(scripts.leaveScript, room, this.tokens.of(token))));
  }

  async openPoll(room: string, token: string, cursor: Cursor | undefined, holdMs: number, limit: number): Promise<OpenPoll> {
    return this.polls.open(room, this.tokens.of(token), cursor, holdMs, limit);
  }

  read(room: string, cursor: Cursor | undefined, limit: number): Promise<PollResponse> {
    return this.polls.read(room, cursor, limit);
  }

  closePoll(room: string, participant: string, leaseId: string): Promise<void> {
    return this.polls.close(room, participant, leaseId);
  }

  subscribe(room: string, listener: (signal: RoomSignal) => void): () => void {
    return this.channels.on(room, listener);
  }

  async counts(): Promise<StoreCounts> {
    // The presence index holds one entry per seat.
    const [rooms, participants] = await Promise.all([this.liveRooms(), this.runner.sumOverBuckets((_, presence) => this.redis.zcard(presence))]);
    return { rooms, participants };
  }

  /** The rooms index holds each room's last possible moment, so entries past now are live rooms. */
  private liveRooms(): Promise<number> {
    const now = this.now();
    return this.runner.sumOverBuckets((rooms) => this.redis.zcount(rooms, `(${now}`, '+inf'));
  }

  async takeRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    return Number(await this.runner.keyed(scripts.rateLimitScript, [this.keys.limit(key)], limit, windowMs, now));
  }

  async healthy(): Promise<boolean> {
    if (this.closed || !this.connected()) return false;
    try {
      await this.redis.ping();
      return true;
    } catch {
      return false;
    }
  }

  /** Both connections to Redis are up (what healthz and carrying a poll on both ask first). */
  private connected(): boolean {
    return this.redis.status === 'ready' && this.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.sweeper.close();
    await this.polls.flush();
    this.closed = true;
    this.runner.closed = true;
    this.channels.clear();
    await Promise.allSettled(this.redis === this.subscriber ? [quit(this.redis)] : [quit(this.redis), quit(this.subscriber)]);
  }

  private async sweepBucket(bucket: number): Promise<BucketSweep> {
    const reply = await this.runner.keyed(scripts.sweepScript, this.keys.indexes(bucket), SWEEP_BATCH);
    const [seen, next] = strings(reply);
    return { seen: Number(seen), next: next === undefined || next === '' ? undefined : Number(next) };
  }

}

async function quit(client: RedisClient): Promise<void> {
  if (client.status === 'ready') {
    await client.quit();
    return;
  }
  client.disconnect();
}
