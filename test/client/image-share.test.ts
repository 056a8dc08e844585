import { describe, expect, it } from 'vitest';
import { ImageShare } from '../../client/browser/image-share.js';
import type { ChatEvent } from '../../server/protocol.js';
import { fakeDocument, FakeElement } from './fake-dom.js';
import { flush, FakeIo } from './fake-io.js';

const TTL_MS = 10_000;

function setup() {
  const io = new FakeIo();
  const live = new Set<string>();
  let made = 0;
  const doc = {
    createElement: fakeDocument.createElement,
    addEventListener: () => {},
    removeEventListener: () => {},
    defaultView: {
      URL: {
        createObjectURL: () => {
          const url = `blob:test/${(made += 1)}`;
          live.add(url);
          return url;
        },
        revokeObjectURL: (url: string) => live.delete(url),
      },
    },
  } as unknown as Document;
  const lanes = new Map<string, FakeElement>();
  const share = new ImageShare({
    doc,
    io,
    room: 'R00m',
    seat: { token: () => 'tok' },
    isOwn: (id) => id === 'me',
    ownName: 'Ann',
    ttlMs: TTL_MS,
    reducedMotion: true,
    laneOf: (id) => {
      if (!lanes.has(id)) lanes.set(id, new FakeElement('section'));
      return lanes.get(id) as unknown as HTMLElement;
    },
  });
  const images = (id: string) => lanes.get(id)?.findAll('shared-image-img') ?? [];
  return { io, share, live, images };
}

function imageEvent(from: string, imageId: string, at: number): ChatEvent {
  return { id: `e.${imageId}`, type: 'image', from, name: from === 'me' ? 'Ann' : 'Bo', at, expiresAt: at + TTL_MS, image: { id: imageId, type: 'image/png', bytes: 1, width: 1, height: 1 } };
}

describe('ImageShare#show', () => {
  it('fetches another participant\'s picture with the token, once, shows it, and drops it when its life is up', async () => {
    const { io, share, live, images } = setup();
    const event = imageEvent('bo', 'img1', io.now());
    share.show([event, imageEvent('me', 'own', io.now())]);
    share.show([event]); // a reset poll repeats it
    const request = io.only('/images/');
    expect(request.url).toBe('/rooms/R00m/images/img1');
    expect(request.headers.authorization).toBe('Bearer tok');
    request.respond(200, { pixels: true });
    await flush();
    expect(images('bo')).toHaveLength(1);
    expect(live.size).toBe(1);
    await io.advance(TTL_MS);
    expect(images('bo')).toHaveLength(0);
    expect(live.size).toBe(0);
    expect(io.pendingTimers).toBe(0);
  });

  it('shows nothing for a picture that vanished on the way (404)', async () => {
    const { io, share, live, images } = setup();
    share.show([imageEvent('bo', 'img2', io.now())]);
    io.only('/images/').respond(404, { error: 'This image has vanished.' });
    await flush();
    expect(images('bo')).toHaveLength(0);
    expect(live.size).toBe(0);
    expect(io.pendingTimers).toBe(0);
  });

  it('shows nothing when the page left the chat while the picture was on its way', async () => {
    const { io, share, live, images } = setup();
    share.show([imageEvent('bo', 'img3', io.now())]);
    share.stop();
    io.only('/images/').respond(200, { pixels: true });
    await flush();
    expect(images('bo')).toHaveLength(0);
    expect(live.size).toBe(0);
    expect(io.pendingTimers).toBe(0);
  });
});
