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
    for (let i = 0; i < 10_000; i += 1) rooms.createRoom(`r${i}`, 2);
    rooms.createRoom('busy', 2);
    const ann = rooms.join('busy', 'Ann');
    rooms.send('busy', ann.token, 'x', undefined);
    clock.advance(1_000);
    expect(rooms.sweep()).toBe(1); // the busy room's events, and nothing of the 10,000 idle rooms
    expect(rooms.sweep()).toBe(0);
  });

  it('drops expired events as it sweeps, so they stop counting against MAX_EVENTS_PER_ROOM', () => {
    const clock = new ManualClock();
    const rooms = registry(clock, { maxEventsPerRoom: 2 });
    rooms.createRoom('r', 2);
    const ann = rooms.join('r', 'Ann');
    rooms.send('r', ann.token, 'vanishing words', undefined);
    expect(() => rooms.send('r', ann.token, 'one too many', undefined)).toThrow('room-busy');
    clock.advance(1_000);
    expect(rooms.sweep()).toBe(1);
    expect(rooms.read('r', undefined, 10).events).toEqual([]);
    expect(rooms.send('r', ann.token, 'room again', undefined).id).toMatch(/\.3$/);
  });

  it('times out a participant who stops polling, and deletes the room once it idled out', () => {
    const clock = new ManualClock();
    const rooms = registry(clock);
    rooms.createRoom('r', 2);
    const ann = rooms.join('r', 'Ann');
    clock.advance(5_000);
    rooms.sweep();
    expect(rooms.getRoom('r')?.participants).toEqual([]);
    expect(rooms.read('r', undefined, 10).events.map((e) => `${e.type}:${e.name}`)).toEqual(['leave:Ann']);
    expect(() => rooms.send('r', ann.token, 'x', undefined)).toThrow('bad-token');
    clock.advance(60_000);
    rooms.sweep();
    expect(rooms.roomCount).toBe(0);
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

describe('RoomRegistry#closePoll', () => {
  it('makes the unstable moment the next deadline, and the sweep emits unstable at it', () => {
    const clock = new ManualClock();
    const rooms = registry(clock, { unstableAfterMs: 1_000, ttlMs: 60_000 });
    rooms.createRoom('r', 2);
    const ann = rooms.join('r', 'Ann');
    const poll = rooms.openPoll('r', ann.token, undefined, 0, 10);
    rooms.closePoll('r', poll.participant, poll.leaseId);
    expect(rooms.nextDeadline()).toBe(clock.now() + 1_000);
    clock.advance(1_000);
    expect(rooms.sweep()).toBe(1);
    expect(rooms.read('r', undefined, 10).events.map((e) => e.type)).toEqual(['join', 'unstable']);
    expect(rooms.nextDeadline()).toBe(clock.now() + 4_000); // the presence timeout, counted from the poll's end
  });
});
