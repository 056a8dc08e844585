import { describe, expect, it } from 'vitest';
import { PollCloses } from '../../server/store/redis/poll-closes.js';
import type { Timers } from '../../server/timers.js';

/** Timers that fire only when told. */
class HeldTimers implements Timers {
  readonly pending = new Map<number, () => void>();
  private nextId = 1;
  setTimeout(callback: () => void): unknown {
    const id = this.nextId++;
    this.pending.set(id, callback);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    for (const [id, callback] of [...this.pending]) {
      this.pending.delete(id);
      callback();
    }
  }
}

describe('PollCloses', () => {
  const setup = (graceMs = 1_000) => {
    const timers = new HeldTimers();
    const sent: string[] = [];
    const closes = new PollCloses(graceMs, timers);
    const wait = (key: string, lease: number) => closes.wait(key, lease, async () => void sent.push(`${key}#${lease}`));
    return { timers, sent, closes, wait };
  };

  it('sends a close once its grace ran out', () => {
    const { timers, sent, wait } = setup();
    wait('r p', 1);
    expect(sent).toEqual([]);
    timers.fireAll();
    expect(sent).toEqual(['r p#1']);
    expect(timers.pending.size).toBe(0);
  });

  it('drops a waiting close when a newer lease of the participant opens, and releases its timer', () => {
    const { timers, sent, closes, wait } = setup();
    wait('r p', 1);
    closes.drop('r p', 1);
    expect(timers.pending.size).toBe(1);
    closes.drop('r p', 2);
    expect(timers.pending.size).toBe(0);
    timers.fireAll();
    expect(sent).toEqual([]);
  });

  it('keeps only the newest lease’s close of a participant', () => {
    const { timers, sent, wait } = setup();
    wait('r p', 2);
    wait('r p', 1);
    wait('r q', 1);
    timers.fireAll();
    expect(sent.sort()).toEqual(['r p#2', 'r q#1']);
  });

  it('sends every waiting close on flush, releasing their timers', async () => {
    const { timers, sent, closes, wait } = setup();
    wait('r p', 1);
    wait('r q', 3);
    await closes.flush();
    expect(sent.sort()).toEqual(['r p#1', 'r q#3']);
    expect(timers.pending.size).toBe(0);
  });

  it('sends at once with a grace of 0', () => {
    const { timers, sent, wait } = setup(0);
    wait('r p', 1);
    expect(sent).toEqual(['r p#1']);
    expect(timers.pending.size).toBe(0);
  });
});
