import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../server/protocol.js';
import { EventFeed } from '../../client/core/event-feed.js';

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
