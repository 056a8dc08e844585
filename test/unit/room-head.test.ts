import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../server/protocol.js';
import { RoomHead } from '../../server/store/redis/room-head.js';

const event = (id: string, type: ChatEvent['type'] = 'text'): ChatEvent => ({ id, type, from: 'p', name: 'P', at: 0, expiresAt: 1 });

describe('RoomHead', () => {
  it('knows nothing until a read gives it a base, then follows the signals', () => {
    const head = new RoomHead();
    head.heard([event('e.4')]);
    expect(head.known).toBeUndefined();
    head.based(head.mark(), 'e', 4);
    const run = head.known!.run;
    expect(head.known).toEqual({ epoch: 'e', seq: 4, run });
    head.heard([event('e.5'), event('e.6')]);
    expect(head.known).toEqual({ epoch: 'e', seq: 6, run });
  });

  it('takes in the signals that overtook a read’s reply, and those the reply overtook', () => {
    const head = new RoomHead();
    const mark = head.mark();
    head.heard([event('e.6'), event('e.7')]); // published after the read ran at seq 5
    head.based(mark, 'e', 5);
    expect(head.known?.seq).toBe(7);
    const late = new RoomHead();
    const sent = late.mark();
    late.based(sent, 'e', 9); // 8 and 9 are still on their way
    late.heard([event('e.8'), event('e.9'), event('e.10')]);
    expect(late.known?.seq).toBe(10);
  });

  it('breaks on a bare signal, a gap, a new epoch, a leave or a resubscription, and a new base starts another run', () => {
    const breakers: Array<(head: RoomHead) => void> = [
      (head) => head.broken(),
      (head) => head.heard([event('e.7')]),
      (head) => head.heard([event('f.1')]),
      (head) => head.heard([event('e.5', 'leave')]),
    ];
    for (const breakIt of breakers) {
      const head = new RoomHead();
      head.based(head.mark(), 'e', 4);
      const run = head.known!.run;
      breakIt(head);
      expect(head.known).toBeUndefined();
      head.based(head.mark(), 'e', 9);
      expect(head.known?.run).not.toBe(run);
    }
  });

  it('ignores a read sent before the run broke: its seq may be behind what the break hid', () => {
    const head = new RoomHead();
    const mark = head.mark();
    head.broken();
    head.based(mark, 'e', 3);
    expect(head.known).toBeUndefined();
  });

  it('keeps its run when another read finds the same head', () => {
    const head = new RoomHead();
    head.based(head.mark(), 'e', 4);
    const run = head.known!.run;
    head.heard([event('e.5')]);
    head.based(head.mark(), 'e', 5);
    expect(head.known).toEqual({ epoch: 'e', seq: 5, run });
  });

  it('tells a read the run it is part of, and nothing when the run broke since it was sent', () => {
    const head = new RoomHead();
    const run = head.based(head.mark(), 'e', 4);
    expect(run).toBe(head.known!.run);
    const mark = head.mark();
    head.broken();
    expect(head.based(head.mark(), 'e', 5)).toBeDefined(); // another read, sent after the break
    expect(head.based(mark, 'e', 4)).toBeUndefined(); // this one's reply came late: its lease is in no run
  });

  it('bases nothing on a read behind signals it did not see all of', () => {
    const head = new RoomHead();
    const mark = head.mark();
    head.heard([event('e.7'), event('e.8')]);
    expect(head.based(mark, 'e', 4)).toBeUndefined();
    expect(head.known).toBeUndefined();
  });
});
