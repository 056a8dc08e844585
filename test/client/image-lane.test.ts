import { describe, expect, it } from 'vitest';
import { ImageLane } from '../../client/browser/image-lane.js';
import { FADE_MS } from '../../client/browser/lane-board.js';
import { asFake, fakeDocument, FakeElement } from './fake-dom.js';
import { FakeIo } from './fake-io.js';

function setup(reducedMotion = false) {
  const io = new FakeIo();
  const live = new Set<string>();
  let drawn = 0;
  const urls = {
    createObjectURL: () => {
      const url = `blob:test/${(drawn += 1)}`;
      live.add(url);
      return url;
    },
    revokeObjectURL: (url: string) => {
      if (!live.delete(url)) throw new Error(`${url} revoked twice or never made`);
    },
  };
  const images = new ImageLane({ doc: fakeDocument, timers: io, urls, reducedMotion });
  const lane = new FakeElement('section');
  return { io, images, lane, live, show: (name = 'Ann', lifeMs = 10_000) => images.show(lane as unknown as HTMLElement, name, new Blob(['x']), lifeMs) };
}

describe('ImageLane#show', () => {
  it('puts the picture in the lane on a blob: URL, described by who shared it', () => {
    const { lane, show, live } = setup();
    show('Ann');
    const img = lane.find('shared-image-img') as unknown as HTMLImageElement;
    expect(img.alt).toBe('Ann shared an image');
    expect(live.has(img.src)).toBe(true);
  });

  it('fades FADE_MS before its life ends, then leaves the DOM and revokes its URL', async () => {
    const { io, lane, show, live, images } = setup();
    show('Ann', 10_000);
    await io.advance(10_000 - FADE_MS - 1);
    expect(lane.find('shared-image').classList.contains('fading')).toBe(false);
    await io.advance(1);
    expect(lane.find('shared-image').classList.contains('fading')).toBe(true);
    await io.advance(FADE_MS);
    expect(lane.findAll('shared-image')).toEqual([]);
    expect(live.size).toBe(0);
    expect(images.size).toBe(0);
    expect(io.pendingTimers).toBe(0);
  });

  it('with reduced motion, vanishes whole at the end of its life', async () => {
    const { io, lane, show, live } = setup(true);
    show('Ann', 5_000);
    expect(io.pendingTimers).toBe(1);
    await io.advance(5_000);
    expect(lane.findAll('shared-image')).toEqual([]);
    expect(live.size).toBe(0);
  });
});

describe('ImageLane#clear', () => {
  it('removes every picture, revokes every URL and ends every timer at once', () => {
    const { io, lane, show, live, images } = setup();
    show('Ann');
    show('Bo');
    images.clear();
    expect(asFake(lane as unknown as HTMLElement).findAll('shared-image')).toEqual([]);
    expect(live.size).toBe(0);
    expect(io.pendingTimers).toBe(0);
  });
});
