import type { Redis } from 'ioredis';
import { RoomError, type RoomSignal } from '../room-store.js';
import { systemTimers, type Timers } from '../../timers.js';
import type { RedisKeys } from './keys.js';

// A client re-polls within a round trip of its answer; keeping the channel that long saves
// an UNSUBSCRIBE + SUBSCRIBE (and the wait for the latter) on every poll of a busy room.
const LINGER_MS = 2_000;

type Listener = (signal: RoomSignal) => void;

interface Channel {
  listeners: Set<Listener>;
  /** Set while nobody listens: when it fires, the channel is unsubscribed. */
  linger: unknown;
  /** Settles true once Redis confirmed the SUBSCRIBE, false if it failed (never rejects). */
  subscribed: Promise<boolean>;
}

/**
 * Room signals over one subscriber connection per process: a room's channel is
 * subscribed while at least one listener of this process wants it. `ready(room)` lets a
 * poll wait for the SUBSCRIBE to be confirmed before it reads, so an event published
 * between that read and the hold still wakes it.
 */
export class RoomChannels {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
    private readonly timers: Timers = systemTimers,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  on(room: string, listener: Listener): () => void {
    let channel = this.channels.get(room);
    if (channel === undefined) {
      channel = { listeners: new Set(), linger: undefined, subscribed: this.subscribe(room) };
      this.channels.set(room, channel);
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
        // Commands on one connection run in order, so a later SUBSCRIBE of this room wins.
        this.subscriber.unsubscribe(this.keys.channel(room)).catch(() => {});
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

  clear(): void {
    for (const channel of this.channels.values()) if (channel.linger !== undefined) this.timers.clearTimeout(channel.linger);
    this.channels.clear();
  }

  private subscribe(room: string): Promise<boolean> {
    return this.subscriber.subscribe(this.keys.channel(room)).then(
      () => true,
      () => false,
    );
  }

  private dispatch(name: string, message: string): void {
    const room = this.keys.roomOfChannel(name);
    const channel = room === undefined ? undefined : this.channels.get(room);
    if (channel === undefined) return;
    const signal = parseSignal(message);
    if (signal === undefined) return;
    for (const listener of [...channel.listeners]) listener(signal);
  }
}

function parseSignal(message: string): RoomSignal | undefined {
  if (message === 'events') return { type: 'events' };
  const [kind, participant, leaseId] = message.split(' ');
  if (kind === 'poll' && participant !== undefined && leaseId !== undefined) return { type: 'poll', participant, leaseId };
  return undefined;
}
