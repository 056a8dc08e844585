import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RedisClient } from '../../server/store/redis/connect.js';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { RoomChannels } from '../../server/store/redis/room-channels.js';
import type { RoomSignal } from '../../server/store/room-store.js';

/** A subscriber connection whose SUBSCRIBE confirmations come when the test says. */
class FakeSubscriber extends EventEmitter {
  status = 'ready';
  readonly pending: Array<() => void> = [];
  subscribe(): Promise<void> {
    return new Promise((resolve) => this.pending.push(resolve));
  }
  unsubscribe(): Promise<void> {
    return Promise.resolve();
  }
  confirm(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

const keys = new RedisKeys('t:');
const room = 'roomxxxxxxxxxx';
const event = (seq: number) => JSON.stringify({ id: `e.${seq}`, type: 'text', from: 'p', name: 'P', text: 'x', at: 0, expiresAt: 1 });

describe('RoomChannels', () => {
  const setup = () => {
    const subscriber = new FakeSubscriber();
    const channels = new RoomChannels(subscriber as unknown as RedisClient, keys);
    const signals: RoomSignal[] = [];
    channels.on(room, (signal) => signals.push(signal));
    /** Subscribed, and a read found the room at e.1: the head is known. */
    const based = async () => {
      subscriber.confirm();
      await channels.ready(room);
      const head = channels.head(room)!;
      head.based(head.mark(), 'e', 1);
      return head;
    };
    return { subscriber, channels, signals, based };
  };

  it('follows the room’s head from the signals once a read gave it a base', async () => {
    const { subscriber, signals, based } = setup();
    const head = await based();
    subscriber.emit('message', keys.channel(room), `events\n${event(2)}\n${event(3)}`);
    expect(head.known?.seq).toBe(3);
    expect(signals).toHaveLength(1);
    // A signal whose events cannot be read may have hidden anything.
    subscriber.emit('message', keys.channel(room), 'events\n{"id":');
    expect(signals[1]).toEqual({ type: 'events' });
    expect(head.known).toBeUndefined();
  });

  it('after a reconnection, breaks every head, wakes every listener, and makes ready() wait for the SUBSCRIBE again', async () => {
    const { subscriber, channels, signals, based } = setup();
    const head = await based();
    subscriber.emit('ready');
    expect(head.known).toBeUndefined();
    expect(signals).toEqual([{ type: 'events' }]);
    let ready = false;
    const waiting = channels.ready(room).then(() => (ready = true));
    await new Promise((resolve) => setImmediate(resolve)); // every microtask has run
    expect(ready).toBe(false);
    subscriber.confirm();
    await waiting;
    expect(ready).toBe(true);
  });
});
