import { describe, expect, it } from 'vitest';
import { RoomRegistry } from '../../server/domain/room-registry.js';
import { ManualClock } from '../support/manual-clock.js';

function registry(clock: ManualClock, overrides: Partial<ConstructorParameters<typeof RoomRegistry>[0]> = {}) {
  return new RoomRegistry({ now: clock.now, ttlMs: 1_000, presenceTimeoutMs: 5_000, roomIdleMs: 60_000, maxEventsPerRoom: 100, maxRooms: 1_000_000, ...overrides });
}

describe('RoomRegistry#sweep', () => {
  it('has nothing due for idle rooms until their idle deadline', () => {
    const clock = new ManualClock();
    const rooms = registry(clock);
    for (let i = 0; i < 1_000; i += 1) rooms.createRoom(`r${i}`, 2);
    expect(rooms.nextDeadline()).toBe(clock.now() + 60_000);
    clock.advance(59_999);
    rooms.sweep();
    expect(rooms.roomCount).toBe(1_000);
    clock.advance(1);
    rooms.sweep();
    expect(rooms.roomCount).toBe(0);
    expect(rooms.nextDeadline()).toBeUndefined();
  });

  it('costs time in proportion to what expires, not to how many rooms exist', () => {
    const clock = new ManualClock();
    const rooms = registry(clock);
    for (let i = 0; i < 100_000; i += 1) rooms.createRoom(`r${i}`, 2);
    rooms.createRoom('busy', 2);
    const ann = rooms.join('busy', 'Ann');
    rooms.send('busy', ann.token, 'x', undefined);
    const queues = rooms as unknown as Record<'bufferExpiry' | 'presenceExpiry' | 'roomExpiry', { popDue(now: number): unknown[] }>;
    let visited = 0;
    for (const name of ['bufferExpiry', 'presenceExpiry', 'roomExpiry'] as const) {
      const queue = queues[name];
      const popDue = queue.popDue.bind(queue);
      queue.popDue = (now) => {
        const due = popDue(now);
        visited += due.length;
        return due;
      };
    }
    clock.advance(1_000);
    rooms.sweep();
    expect(visited).toBe(1); // the busy room's buffer, and nothing of the 100,000 idle rooms
  });

  it('drops expired events from memory as it sweeps', () => {
    const clock = new ManualClock();
    const rooms = registry(clock);
    rooms.createRoom('r', 2);
    const ann = rooms.join('r', 'Ann');
    rooms.send('r', ann.token, 'vanishing words', undefined);
    clock.advance(1_000);
    rooms.sweep();
    const room = (rooms as unknown as { rooms: Map<string, unknown> }).rooms.get('r');
    expect(JSON.stringify(room, (key, value) => (key === 'room' ? undefined : value))).not.toContain('vanishing');
  });

  it('refuses a room beyond MAX_ROOMS', () => {
    const clock = new ManualClock();
    const rooms = registry(clock, { maxRooms: 2 });
    rooms.createRoom('a', 2);
    rooms.createRoom('b', 2);
    expect(() => rooms.createRoom('c', 2)).toThrow('server-full');
  });

  it('answers false for an id that is taken', () => {
    const rooms = registry(new ManualClock());
    expect(rooms.createRoom('a', 2)).toBe(true);
    expect(rooms.createRoom('a', 2)).toBe(false);
  });
});
