import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../server/domain/deadline-queue.js';

describe('DeadlineQueue', () => {
  it('is empty from the beginning', () => {
    const queue = new DeadlineQueue<string>();
    expect(queue.nextAt()).toBeUndefined();
    expect(queue.popDue(Infinity)).toEqual([]);
  });

  it('pops due keys in deadline order and leaves the rest', () => {
    const queue = new DeadlineQueue<string>();
    for (const [key, at] of [['c', 30], ['a', 10], ['d', 40], ['b', 20]] as const) queue.schedule(key, at);
    expect(queue.nextAt()).toBe(10);
    expect(queue.popDue(25)).toEqual(['a', 'b']);
    expect(queue.size).toBe(2);
    expect(queue.popDue(100)).toEqual(['c', 'd']);
  });

  it('keeps the earlier deadline when a key is scheduled twice', () => {
    const queue = new DeadlineQueue<string>();
    queue.schedule('a', 50);
    queue.schedule('a', 80);
    queue.schedule('a', 20);
    expect(queue.popDue(20)).toEqual(['a']);
    expect(queue.popDue(100)).toEqual([]);
  });

  it('never pops a cancelled key', () => {
    const queue = new DeadlineQueue<string>();
    queue.schedule('a', 10);
    queue.cancel('a');
    expect(queue.popDue(100)).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('sheds cancelled entries, so memory follows the live count', () => {
    const queue = new DeadlineQueue<number>();
    for (let i = 0; i < 10_000; i += 1) queue.schedule(i, 1_000 + i);
    for (let i = 0; i < 9_990; i += 1) queue.cancel(i);
    expect(queue.size).toBe(10);
    expect(queue.heldEntries).toBeLessThanOrEqual(64);
    expect(queue.popDue(Infinity)).toEqual([9_990, 9_991, 9_992, 9_993, 9_994, 9_995, 9_996, 9_997, 9_998, 9_999]);
  });

  it('orders random deadlines like a sort', () => {
    const queue = new DeadlineQueue<number>();
    const deadlines = Array.from({ length: 500 }, (_, i) => ({ key: i, at: (i * 7919) % 1_000 }));
    for (const { key, at } of deadlines) queue.schedule(key, at);
    const popped = queue.popDue(Infinity);
    const sorted = [...deadlines].sort((x, y) => x.at - y.at).map((d) => d.at);
    expect(popped.map((key) => deadlines[key]!.at)).toEqual(sorted);
  });
});
