import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../server/protocol.js';
import { EventFeed } from '../../client/core/event-feed.js';
import { LATE_AFTER_MS } from '../../client/core/late-text.js';

let n = 0;
function ev(type: ChatEvent['type'], from: string, extra: Partial<ChatEvent> = {}): ChatEvent {
  n += 1;
  return { id: `e.${n}`, type, from, name: from.toUpperCase(), at: 0, expiresAt: 100, ...extra };
}

describe('EventFeed#apply', () => {
  it('suppresses the echo of own text and own presence', () => {
    const feed = new EventFeed((id) => id === 'me');
    const out = feed.apply([ev('join', 'me'), ev('text', 'me', { text: 'hi' }), ev('text', 'bo', { text: 'yo' })], 0);
    expect(out).toEqual([{ type: 'text', from: 'bo', name: 'BO', text: 'yo' }]);
  });

  it('shows each event once even when a reset poll repeats it', () => {
    const feed = new EventFeed(() => false);
    const e = ev('text', 'bo', { text: 'a' });
    expect(feed.apply([e], 0)).toHaveLength(1);
    expect(feed.apply([e], 50)).toHaveLength(0);
  });

  it('forgets ids once their events expired, so memory stays bounded', () => {
    const feed = new EventFeed(() => false);
    feed.apply([ev('text', 'bo', { text: 'a', expiresAt: 10 })], 0);
    feed.apply([], 10);
    // Nothing observable but size; a repeat after expiry cannot be delivered by the server.
    expect(feed.apply([ev('text', 'bo', { text: 'b' })], 11)).toHaveLength(1);
  });

  it('tracks who is present through join and leave', () => {
    const feed = new EventFeed((id) => id === 'me');
    expect(feed.seed([{ id: 'me', name: 'Me' }, { id: 'bo', name: 'Bo' }])).toEqual([{ id: 'bo', name: 'Bo' }]);
    expect(feed.apply([ev('join', 'cy')], 0)).toEqual([{ type: 'joined', participant: { id: 'cy', name: 'CY' } }]);
    expect(feed.apply([ev('leave', 'bo')], 0)).toEqual([{ type: 'left', participant: { id: 'bo', name: 'BO' } }]);
    expect(feed.others().map((p) => p.id)).toEqual(['cy']);
  });

  it('reports away and back', () => {
    const feed = new EventFeed(() => false);
    expect(feed.apply([ev('away', 'bo'), ev('back', 'bo')], 0).map((h) => h.type)).toEqual(['away', 'back']);
  });
});

describe('EventFeed#apply and partner state', () => {
  it('reports unstable and steady for someone present, and nothing for someone who left', () => {
    const feed = new EventFeed(() => false);
    feed.seed([{ id: 'bo', name: 'Bo' }]);
    expect(feed.apply([ev('unstable', 'bo'), ev('steady', 'bo')], 0).map((h) => h.type)).toEqual(['unstable', 'steady']);
    expect(feed.apply([ev('leave', 'bo'), ev('unstable', 'bo')], 0).map((h) => h.type)).toEqual(['left']);
  });

  it('marks text late while its sender is unstable, and the first text of the backlog right after steady', () => {
    const feed = new EventFeed(() => false);
    feed.seed([{ id: 'bo', name: 'Bo' }]);
    const late = (events: ChatEvent[], now: number) => feed.apply(events, now).filter((h) => h.type === 'text').map((h) => h.type === 'text' && h.late === true);
    expect(late([ev('text', 'bo', { text: 'live', at: 1_000 })], 1_000)).toEqual([false]);
    expect(late([ev('unstable', 'bo', { at: 5_000 }), ev('text', 'bo', { text: 'held back', at: 6_000 })], 6_000)).toEqual([true]);
    // A second outage whose held-back text comes only after the poll that steadied Bo.
    expect(late([ev('steady', 'bo', { at: 7_000 }), ev('unstable', 'bo', { at: 12_000 }), ev('steady', 'bo', { at: 14_000 })], 14_000)).toEqual([]);
    expect(late([ev('text', 'bo', { text: 'backlog', at: 15_000 })], 15_000)).toEqual([true]);
    expect(late([ev('text', 'bo', { text: 'live again', at: 16_000 })], 16_000)).toEqual([false]);
  });

  it('gives no grace after steady when the held-back text already came while unstable, so live typing after it is live', () => {
    const feed = new EventFeed(() => false);
    feed.seed([{ id: 'bo', name: 'Bo' }]);
    const late = (events: ChatEvent[], now: number) => feed.apply(events, now).filter((h) => h.type === 'text').map((h) => h.type === 'text' && h.late === true);
    expect(late([ev('unstable', 'bo', { at: 5_000 }), ev('text', 'bo', { text: 'held back', at: 6_000 })], 6_000)).toEqual([true]);
    expect(late([ev('steady', 'bo', { at: 6_100 }), ev('text', 'bo', { text: 'live', at: 6_500 })], 6_500)).toEqual([false]);
  });

  it('marks text that reaches us LATE_AFTER_MS later than the freshest event did, whatever the clocks\' skew', () => {
    const feed = new EventFeed(() => false);
    feed.seed([{ id: 'bo', name: 'Bo' }]);
    const skewMs = 60_000; // our clock runs a minute ahead of the server's
    const late = (at: number, now: number) => feed.apply([ev('text', 'bo', { text: 'x', at })], now + skewMs).map((h) => h.type === 'text' && h.late === true);
    expect(late(1_000, 1_100)).toEqual([false]);
    expect(late(2_000, 2_000 + 100 + LATE_AFTER_MS)).toEqual([false]);
    expect(late(3_000, 3_000 + 101 + LATE_AFTER_MS)).toEqual([true]);
  });
});
