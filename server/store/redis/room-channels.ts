import { Cluster } from 'ioredis';
import { RoomError, type RoomSignal } from '../room-store.js';
import { systemTimers, type Timers } from '../../timers.js';
import type { RedisClient } from './connect.js';
import { BUCKETS, bucketOf, type RedisKeys } from './keys.js';
import { parseEvent } from './event-json.js';
import { RoomHead } from './room-head.js';

// A client re-polls within a round trip of its answer; keeping the channel that long saves
// an UNSUBSCRIBE + SUBSCRIBE (and the wait for the latter) on every poll of a busy room.
const LINGER_MS = 2_000;
// A failover moves a shard's channels to the promoted replica, and the old master just
// drops them; ioredis resubscribes once a MOVED tells it the slots moved. While polls are
// held, each bucket in use is asked about once a second (one EXISTS on its shard's command
// connection), so a failover costs held polls about a second of wake-ups, not a hold.
const SLOTS_CHECK_MS = 1_000;

type Listener = (signal: RoomSignal) => void;

export interface RoomChannelsOptions {
  /** A Redis Cluster: SSUBSCRIBE, so each channel lives on its room's shard. */
  sharded?: boolean;
  /** Told a bucket's newly indexed deadline (store clock ms). */
  onDue?: (bucket: number, at: number) => void;
  /** Told of every poll opened in a subscribed room, listened to or lingering. */
  onPoll?: (room: string, participant: string, leaseId: string) => void;
  /** Events whose signal is longer than this are not sent along (POLL_MAX_BYTES). */
  maxEventBytes?: number;
  /** Told when the subscriptions are back after a disconnection or a failover. */
  onResubscribed?: () => void;
}

interface Channel {
  listeners: Set<Listener>;
  /** Set while nobody listens: when it fires, the channel is unsubscribed. */
  linger: unknown;
  /** Settles true once Redis confirmed the SUBSCRIBE, false if it failed (never rejects). */
  subscribed: Promise<boolean>;
  head: RoomHead;
}

/**
 * Room signals over one subscriber connection per process (per master on a cluster, where
 * channels are sharded): a room's channel is subscribed while at least one listener of
 * this process wants it. `ready(room)` lets a poll wait for the SUBSCRIBE to be confirmed
 * before it reads, so an event published between that read and the hold still wakes it.
 * Every bucket's due channel is subscribed for as long as the channels live.
 */
export class RoomChannels {
  private readonly channels = new Map<string, Channel>();
  private readonly subscribeCommand: 'subscribe' | 'ssubscribe';
  private readonly unsubscribeCommand: 'unsubscribe' | 'sunsubscribe';

  private readonly onDue: (bucket: number, at: number) => void;
  private readonly onPoll: (room: string, participant: string, leaseId: string) => void;
  private readonly maxEventBytes: number;
  private readonly onResubscribed: () => void;
  private slotsTimer: unknown;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly keys: RedisKeys,
    private readonly timers: Timers = systemTimers,
    options: RoomChannelsOptions = {},
  ) {
    const sharded = options.sharded === true;
    this.subscribeCommand = sharded ? 'ssubscribe' : 'subscribe';
    this.unsubscribeCommand = sharded ? 'sunsubscribe' : 'unsubscribe';
    this.onDue = options.onDue ?? (() => {});
    this.onPoll = options.onPoll ?? (() => {});
    this.maxEventBytes = options.maxEventBytes ?? Number.POSITIVE_INFINITY;
    this.onResubscribed = options.onResubscribed ?? (() => {});
    subscriber.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => this.dispatch(channel, message));
    // Nothing is queued while disconnected, so each (re)connection subscribes them again;
    // what was published meanwhile reached no one, so every held poll reads and the owner
    // looks at every deadline.
    const resubscribed = (): void => {
      this.subscribeDue();
      this.confirmAll();
      this.wakeAll();
      this.onResubscribed();
    };
    // On a cluster the subscribers are their own connections, back after the cluster is.
    subscriber.on('ready', sharded ? () => this.subscribeDue() : resubscribed);
    if (sharded) {
      subscriber.on('subscribersReady', resubscribed);
      // A shard's connection lost: its rooms' signals may be lost until the resubscription wakes them.
      for (const lost of ['-node', 'node error']) subscriber.on(lost, () => this.breakAll());
    }
    if (subscriber.status === 'ready') this.subscribeDue();
  }

  private subscribeDue(): void {
    for (let bucket = 0; bucket < BUCKETS; bucket += 1) this.subscriber[this.subscribeCommand](this.keys.dueChannel(bucket)).catch(() => {});
  }

  on(room: string, listener: Listener): () => void {
    let channel = this.channels.get(room);
    if (channel === undefined) {
      channel = { listeners: new Set(), linger: undefined, subscribed: this.subscribe(room), head: new RoomHead() };
      this.channels.set(room, channel);
      this.watchSlots();
    }
    if (channel.linger !== undefined) this.timers.clearTimeout(channel.linger);
    channel.linger = undefined;
    // A Set would fold one function added twice into one; wrap so each call counts.
    const entry: Listener = (signal) => listener(signal);
    channel.listeners.add(entry);
    const current = channel;
    return () => {
      if (!current.listeners.delete(entry) || current.listeners.size > 0) return;
      current.linger = this.timers.setTimeout(() => {
        if (this.channels.get(room) !== current || current.listeners.size > 0) return;
        this.channels.delete(room);
        this.watchSlots();
        // Commands on one connection run in order, so a later SUBSCRIBE of this room wins.
        this.subscriber[this.unsubscribeCommand](this.keys.channel(room)).catch(() => {});
      }, LINGER_MS);
    };
  }

  /** Resolves once the room's channel is subscribed; retries a SUBSCRIBE that failed. */
  async ready(room: string): Promise<void> {
    const channel = this.channels.get(room);
    if (channel === undefined) return;
    if (await channel.subscribed) return;
    channel.subscribed = this.subscribe(room);
    if (!(await channel.subscribed)) throw new RoomError('unavailable');
  }

  /** What the room's channel knows of its newest event; undefined while it is not subscribed. */
  head(room: string): RoomHead | undefined {
    return this.channels.get(room)?.head;
  }

  clear(): void {
    for (const channel of this.channels.values()) if (channel.linger !== undefined) this.timers.clearTimeout(channel.linger);
    this.channels.clear();
    this.watchSlots();
  }

  /** On a cluster, checks the slots of the buckets in use every SLOTS_CHECK_MS while any channel is subscribed. */
  private watchSlots(): void {
    const subscriber = this.subscriber;
    if (!(subscriber instanceof Cluster)) return;
    if (this.channels.size === 0) {
      if (this.slotsTimer !== undefined) this.timers.clearTimeout(this.slotsTimer);
      this.slotsTimer = undefined;
      return;
    }
    if (this.slotsTimer !== undefined) return;
    const check = (): void => {
      const buckets = new Set<number>();
      for (const room of this.channels.keys()) buckets.add(bucketOf(room));
      // A moved slot answers MOVED, and ioredis then refreshes its map and its subscribers.
      for (const bucket of buckets) subscriber.exists(this.keys.indexes(bucket)[0]).catch(() => {});
      this.slotsTimer = this.timers.setTimeout(check, SLOTS_CHECK_MS);
    };
    this.slotsTimer = this.timers.setTimeout(check, SLOTS_CHECK_MS);
  }

  /**
   * Subscribes every channel again and makes ready() wait for that: 'ready' may come before
   * the client's own resubscription is in force, and a read made before it could miss what is
   * published meanwhile (a second SUBSCRIBE of a channel changes nothing else).
   */
  private confirmAll(): void {
    for (const [room, channel] of this.channels) channel.subscribed = this.subscribe(room);
  }

  private breakAll(): void {
    for (const channel of this.channels.values()) channel.head.broken();
  }

  private wakeAll(): void {
    this.breakAll();
    for (const channel of this.channels.values()) deliver(channel, { type: 'events' });
  }

  private subscribe(room: string): Promise<boolean> {
    return this.subscriber[this.subscribeCommand](this.keys.channel(room)).then(
      () => true,
      () => false,
    );
  }

  /** Delivers a signal to this process's listeners of the room, as if it came from Redis. */
  dispatchLocal(room: string, signal: RoomSignal): void {
    const channel = this.channels.get(room);
    if (channel !== undefined) deliver(channel, signal);
  }

  private dispatch(name: string, message: string): void {
    const about = this.keys.parseChannel(name);
    if (about === undefined) return;
    if ('bucket' in about) {
      const at = Number(message);
      if (Number.isFinite(at)) this.onDue(about.bucket, at);
      return;
    }
    const channel = this.channels.get(about.room);
    if (channel === undefined) return;
    const signal = parseSignal(message, this.maxEventBytes);
    if (signal === undefined) return;
    if (signal.type === 'poll') {
      this.onPoll(about.room, signal.participant, signal.leaseId);
      // A lease opened elsewhere: a lease of ours whose open reply comes after this signal
      // must not be carried on (breaking the run makes that reply base nothing).
      channel.head.broken();
    } else if (signal.events === undefined) channel.head.broken();
    else channel.head.heard(signal.events);
    deliver(channel, signal);
  }
}

/** A copy of the listeners: one may unsubscribe (or another subscribe) while it is told. */
function deliver(channel: Channel, signal: RoomSignal): void {
  for (const listener of [...channel.listeners]) listener(signal);
}

function parseSignal(message: string, maxEventBytes: number): RoomSignal | undefined {
  if (message.startsWith('events')) {
    // Past the answer byte cap, the poll reads instead (the read applies the cap).
    const bytes = Buffer.byteLength(message) - 'events\n'.length;
    if (bytes > maxEventBytes) return { type: 'events' };
    try {
      return { type: 'events', events: message.split('\n').slice(1).map(parseEvent), bytes };
    } catch {
      return { type: 'events' };
    }
  }
  const [kind, participant, leaseId] = message.split(' ');
  if (kind === 'poll' && participant !== undefined && leaseId !== undefined) return { type: 'poll', participant, leaseId };
  return undefined;
}
