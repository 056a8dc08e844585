import { describe, expect, it } from 'vitest';
import { parseCursor } from '../../server/domain/cursor.js';
import { RoomBuffer } from '../../server/domain/room-buffer.js';

const text = (t: string) => ({ type: 'text' as const, from: 'p', name: 'Ann', text: t });

describe('RoomBuffer', () => {
  it('is empty from the beginning, at seq 0 of its epoch', () => {
    const buffer = new RoomBuffer('ep', 1_000);
    expect(buffer.size).toBe(0);
    expect(buffer.cursor).toBe('ep.0');
    expect(buffer.read(undefined, 0, 10)).toEqual({ events: [], cursor: 'ep.0' });
  });

  it('numbers events in append order and names each by the cursor after it', () => {
    const buffer = new RoomBuffer('ep', 1_000);
    const a = buffer.append(text('a'), 5);
    const b = buffer.append(text('b'), 6);
    expect([a.id, b.id]).toEqual(['ep.1', 'ep.2']);
    expect(a).toMatchObject({ at: 5, expiresAt: 1_005 });
    expect(buffer.read(parseCursor('ep.1'), 6, 10).events).toEqual([b]);
  });

  it('drops events once now reaches expiresAt, oldest first', () => {
    const buffer = new RoomBuffer('ep', 1_000);
    buffer.append(text('a'), 0);
    buffer.append(text('b'), 500);
    expect(buffer.expire(999)).toBe(0);
    expect(buffer.expire(1_000)).toBe(1);
    expect(buffer.nextExpiryAt).toBe(1_500);
    expect(buffer.read(undefined, 1_000, 10).events.map((e) => e.text)).toEqual(['b']);
    expect(buffer.expire(1_500)).toBe(1);
    expect(buffer.size).toBe(0);
    expect(buffer.nextExpiryAt).toBeUndefined();
  });

  it('does not deliver an expired event even before a sweep removed it', () => {
    const buffer = new RoomBuffer('ep', 1_000);
    buffer.append(text('a'), 0);
    expect(buffer.read(undefined, 1_000, 10).events).toEqual([]);
  });

  it('keeps seq arithmetic right across expiry and compaction', () => {
    const buffer = new RoomBuffer('ep', 10);
    for (let t = 0; t < 100; t += 1) {
      buffer.append(text(String(t)), t);
      buffer.expire(t);
    }
    const read = buffer.read(parseCursor('ep.95'), 99, 10);
    expect(read.events.map((e) => e.text)).toEqual(['95', '96', '97', '98', '99']);
    expect(read.cursor).toBe('ep.100');
  });

  it('answers at most `limit` events and the cursor after the last one', () => {
    const buffer = new RoomBuffer('ep', 1_000);
    for (let i = 0; i < 5; i += 1) buffer.append(text(String(i)), 0);
    expect(buffer.read(undefined, 0, 2)).toMatchObject({ cursor: 'ep.2' });
    expect(buffer.read(parseCursor('ep.2'), 0, 2).events.map((e) => e.text)).toEqual(['2', '3']);
  });

  it('flags a reset for another epoch or a seq it never reached, and answers everything live', () => {
    const buffer = new RoomBuffer('ep', 1_000);
    buffer.append(text('a'), 0);
    expect(buffer.read(parseCursor('old.7'), 0, 10)).toMatchObject({ reset: true, cursor: 'ep.1', events: [{ text: 'a' }] });
    expect(buffer.read(parseCursor('ep.9'), 0, 10)).toMatchObject({ reset: true, cursor: 'ep.1' });
  });

  it('lets go of expired text at once (the slot is cleared, not only skipped)', () => {
    const buffer = new RoomBuffer('ep', 10);
    buffer.append(text('secret'), 0);
    buffer.append(text('later'), 100);
    buffer.append(text('later2'), 100);
    buffer.expire(10);
    expect(JSON.stringify(buffer)).not.toContain('secret');
  });
});
