import type { ImageType, JoinResponse, ParticipantInfo, PollResponse, PresenceState, SendResponse, Untimed } from '../protocol.js';
import { formatCursor, type Cursor } from '../domain/cursor.js';
import { EPOCH_BYTES, PARTICIPANT_ID_BYTES, randomId as cryptoRandomId, TOKEN_BYTES, type RandomId } from '../domain/random-id.js';
import { DEFAULT_JOIN_KEY_WINDOW_MS, type RegistryOptions } from '../domain/registry-options.js';
import { silentLogger, type Logger } from '../logger.js';
import { BUCKETS, DEFAULT_KEY_PREFIX, RedisKeys } from './redis/keys.js';
import { connect, whenReady, type RedisClient } from './redis/connect.js';
import { DeadlineSweeper, type BucketSweep } from './redis/deadline-sweeper.js';
import { joinKeyHash, openToken, sealToken } from './redis/join-key-seal.js';
import { PollLeases } from './redis/poll-leases.js';
import { cursorArgs, ok, readResult, roster, strings } from './redis/replies.js';
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
// A poll that follows its lease's previous one here is held with no Redis call for this long
// after the lease was opened in Redis: the open writes presence this much ahead, so it covers
// the polls carried on. Then one poll open in about 25 goes to Redis in a busy room; the cost
// is that the participants of an instance that dies mid-poll leave up to 5 s later, and never
// later than a third of the presence timeout past their time.
const CARRY_ON_MS = 5_000;
const CARRY_ON_PRESENCE_SHARE = 1 / 3;
// Entries handled per index and script run; a longer backlog is worked off in back-to-back runs.
const SWEEP_BATCH = 500;
// How long start-up waits for Redis before serving anyway (answering 503 until it comes).
const START_WAIT_MS = 3_000;
// A drawn participant id that is already seated is drawn again; 2^48 ids make one retry rare.
const MAX_JOIN_DRAWS = 5;
// Only has to differ between the processes sharing one Redis.
const INSTANCE_ID_BYTES = 9;
// Without sendRate the Lua bucket arithmetic gets limits no client reaches.
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
  private readonly leases: PollLeases;
  private readonly tokens = new TokenHashes();
  /** CARRY_ON_MS, or 0 when closes are sent at once (nothing is carried on then). */
  private readonly carryOnMs: number;
  /** Tells this process's leases from other instances' (openPoll signals only those). */
  private readonly instanceId: string;
  private closing = false;
  private closed = false;

  constructor(private readonly options: RedisStoreOptions) {
    this.now = options.now;
    this.timers = options.timers ?? systemTimers;
    this.randomId = options.randomId ?? cryptoRandomId;
    this.logger = options.logger ?? silentLogger;
    this.keys = new RedisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    const slackMs = options.expirySlackMs ?? DEFAULT_EXPIRY_SLACK_MS;
    this.instanceId = this.randomId(INSTANCE_ID_BYTES);
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
    this.leases = new PollLeases(graceMs, this.timers);
    this.carryOnMs = graceMs > 0 ? Math.min(CARRY_ON_MS, Math.floor(options.presenceTimeoutMs * CARRY_ON_PRESENCE_SHARE)) : 0;
    this.channels = new RoomChannels(this.subscriber, this.keys, this.timers, {
      sharded: cluster,
      onDue: (bucket, at) => this.sweeper.due(bucket, at),
      onPoll: (room, participant, leaseId) => this.leases.drop(`${room} ${participant}`, Number(leaseId)),
      maxEventBytes: options.pollMaxBytes,
      // Due notices published while the subscriber was away are lost: look at every bucket.
      onResubscribed: () => this.sweeper.resync(),
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
    const tokenHash = this.tokens.of(token);
    const carried = this.carryOn(room, tokenHash, cursor, holdMs);
    if (carried !== undefined) return carried;
    // The caller subscribed before calling; its SUBSCRIBE must be in force before the read.
    await this.channels.ready(room);
    const head = this.channels.head(room);
    const mark = head?.mark();
    const openedAt = this.now();
    const at = cursorArgs(cursor);
    const presenceHoldMs = holdMs + this.carryOnMs;
    const reply = strings(await this.runner.room(scripts.openPollScript, room, tokenHash, at.epoch, at.seq, presenceHoldMs, limit, this.maxBytes(), this.instanceId));
    const [participant, leaseId, epoch, seq] = ok(reply) as [string, string, string, string];
    // The run this read is part of: a lease opened in no run (or in one that broke since) is never carried on.
    const run = mark === undefined ? undefined : head?.based(mark, epoch, Number(seq));
    // The script signals other instances only; older polls held here give way through this,
    // and the closes they file as they settle are then dropped with any waiting one.
    this.channels.dispatchLocal(room, { type: 'poll', participant, leaseId });
    const result = { ...readResult(reply.slice(3), cursor, this.now()), participant, leaseId };
    // Recorded once nothing can throw, so every lease recorded has a poll whose close ends it.
    if (!this.closing) {
      const own = { id: Number(leaseId), participant, tokenKey: `${room} ${tokenHash}`, coveredUntil: openedAt + presenceHoldMs, run: run ?? -1 };
      this.leases.opened(`${room} ${participant}`, own);
    }
    return result;
  }

  /**
   * The token's next poll, held on its current lease with no Redis call (see PollLeases) when
   * its cursor is the room's newest event as this instance's signals tell it: so nothing new
   * is there to answer, and whatever comes next will be signalled.
   */
  private carryOn(room: string, tokenHash: string, cursor: Cursor | undefined, holdMs: number): OpenPoll | undefined {
    // Redis away: nothing carries on (the poll answers 503 like every call), and the signals missed meanwhile break every head.
    if (cursor === undefined || this.closing || this.redis.status !== 'ready' || this.subscriber.status !== 'ready') return undefined;
    const known = this.channels.head(room)?.known;
    if (known === undefined || known.epoch !== cursor.epoch || known.seq !== cursor.seq) return undefined;
    const carried = this.leases.carryOn(`${room} ${tokenHash}`, this.now(), holdMs, known.run);
    return carried === undefined ? undefined : { events: [], cursor: formatCursor(cursor), ...carried };
  }

  async read(room: string, cursor: Cursor | undefined, limit: number): Promise<PollResponse> {
    // A reread after a resubscription must see what the new subscription will not signal.
    await this.channels.ready(room);
    const at = cursorArgs(cursor);
    const reply = strings(await this.runner.room(scripts.readScript, room, at.epoch, at.seq, limit, this.maxBytes()));
    ok(reply);
    return readResult(reply.slice(1), cursor, this.now());
  }

  /** See PollLeases: sent after a grace unless the participant's next poll makes it moot. */
  async closePoll(room: string, participant: string, leaseId: string): Promise<void> {
    const endedAt = this.now();
    if (this.closing) return this.sendClose(room, participant, leaseId, endedAt);
    this.leases.wait(`${room} ${participant}`, Number(leaseId), () => this.sendClose(room, participant, leaseId, endedAt));
  }

  /** Never rejects: a lease that cannot be shortened simply runs its course. */
  private async sendClose(room: string, participant: string, leaseId: string, endedAt: number): Promise<void> {
    const unstableAfterMs = this.options.unstableAfterMs ?? '';
    await this.runner.room(scripts.closePollScript, room, participant, leaseId, unstableAfterMs, endedAt).catch(() => {});
  }

  /** The answer byte cap for the read scripts (Lua has no infinity literal to pass). */
  private maxBytes(): number {
    return this.options.pollMaxBytes ?? UNLIMITED;
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
    if (this.closed || this.redis.status !== 'ready' || this.subscriber.status !== 'ready') return false;
    try {
      await this.redis.ping();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.sweeper.close();
    // Closes still waiting are sent now: each shortens a lease that would otherwise hold the seat a poll's length.
    await this.leases.flush();
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
