import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../server/domain/byte-budget.js';
import { RoomImages } from '../../server/domain/room-images.js';
import { RoomRegistry } from '../../server/domain/room-registry.js';
import { ManualClock } from '../support/manual-clock.js';

const image = (id: string, bytes: number) => ({ info: { id, type: 'image/png' as const, bytes, width: 1, height: 1 }, data: new Uint8Array(bytes) });

describe('RoomImages', () => {
  it('serves an image while now < expiresAt and frees its bytes once expired', () => {
    const images = new RoomImages();
    images.add(image('a', 10), 100);
    images.add(image('b', 5), 200);
    expect(images.bytes).toBe(15);
    expect(images.get('a', 99)?.info.id).toBe('a');
    expect(images.get('a', 100)).toBeUndefined();
    expect(images.expire(100)).toBe(10);
    expect(images.bytes).toBe(5);
    expect(images.expire(Infinity)).toBe(5);
    expect(images.get('b', 0)).toBeUndefined();
  });
});

describe('ByteBudget', () => {
  it('takes only what fits and refuses to be given back more than it lent', () => {
    const budget = new ByteBudget(10);
    expect(budget.take(7)).toBe(true);
    expect(budget.take(4)).toBe(false);
    expect(budget.used).toBe(7);
    budget.give(7);
    expect(() => budget.give(1)).toThrow(RangeError);
  });
});

describe('RoomRegistry#shareImage', () => {
  const setup = () => {
    const clock = new ManualClock();
    const imageBudget = new ByteBudget(100);
    const registry = new RoomRegistry({ now: clock.now, ttlMs: 1000, presenceTimeoutMs: 60_000, roomIdleMs: 500, maxEventsPerRoom: 100, maxRooms: 10, maxRoomImageBytes: 60, imageBudget });
    registry.createRoom('r', 2);
    const { token } = registry.join('r', 'Ann');
    return { clock, imageBudget, registry, token };
  };

  it('holds the bytes against the process budget until the sweep drops the event, then gives them back', () => {
    const { clock, imageBudget, registry, token } = setup();
    const event = registry.shareImage('r', token, image('a', 40));
    expect(event).toMatchObject({ type: 'image', name: 'Ann', image: { id: 'a', bytes: 40 }, expiresAt: clock.now() + 1000 });
    expect(imageBudget.used).toBe(40);
    expect(() => registry.shareImage('r', token, image('b', 30))).toThrow(expect.objectContaining({ code: 'room-images-full' }));
    expect(imageBudget.used).toBe(40);
    clock.advance(1000);
    registry.sweep();
    expect(registry.getImage('r', token, 'a')).toBeUndefined();
    expect(imageBudget.used).toBe(0);
  });

  it('refuses with server-images-full when the process budget is spent elsewhere', () => {
    const { imageBudget, registry, token } = setup();
    imageBudget.take(80);
    expect(() => registry.shareImage('r', token, image('a', 30))).toThrow(expect.objectContaining({ code: 'server-images-full' }));
    expect(registry.read('r', undefined, 10).events.map((e) => e.type)).toEqual(['join']);
  });
});
