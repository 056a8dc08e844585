import { describe, expect, it } from 'vitest';
import type { Happening } from '../../client/core/event-feed.js';
import { REPLAY_MAX_GAP_MS, REPLAY_MAX_LAG_MS, TypingReplay } from '../../client/core/typing-replay.js';
import { FakeIo } from './fake-io.js';

function setup() {
  const io = new FakeIo();
  const start = io.nowMs;
  // What the display was given, with when (ms after the start).
  const shown: Array<[number, Happening]> = [];
  const replay = new TypingReplay(io, (happenings) => {
    for (const h of happenings) shown.push([io.nowMs - start, h]);
  });
  const texts = () => shown.filter(([, h]) => h.type === 'text').map(([at, h]) => [at, h.type === 'text' ? h.text : ''] as const);
  return { io, replay, shown, texts };
}

const text = (text: string, gaps?: number[], from = 'bo'): Happening => ({ type: 'text', from, name: 'Bo', text, ...(gaps ? { gaps } : {}) });
const bo = { id: 'bo', name: 'Bo' };

describe('TypingReplay', () => {
  it('shows the first character of a send at once and the rest at the gaps it was typed with', async () => {
    const { io, replay, texts } = setup();
    replay.apply([text('hey!', [400, 120, 80, 0])]);
    expect(texts()).toEqual([[0, 'h']]);
    await io.advance(1000);
    // "!" was typed with "y" (gap 0): one piece, as a paste or an IME commit would be.
    expect(texts()).toEqual([
      [0, 'h'],
      [120, 'e'],
      [200, 'y!'],
    ]);
    expect(io.pendingTimers).toBe(0);
    expect(replay.pending).toBe(false);
  });

  it('shows text without gaps (curl, an older client) whole, the moment it arrives', () => {
    const { replay, texts } = setup();
    replay.apply([text('hello')]);
    expect(texts()).toEqual([[0, 'hello']]);
  });

  it('ignores gaps that do not match the text, and counts an astral character as one', async () => {
    const { io, replay, texts } = setup();
    replay.apply([text('abc', [0, 10]), text('😀x', [0, 50], 'al')]);
    expect(texts()).toEqual([
      [0, 'abc'],
      [0, '😀'],
    ]);
    await io.advance(50);
    expect(texts().at(-1)).toEqual([50, 'x']);
  });

  it('shortens a pause to REPLAY_MAX_GAP_MS', async () => {
    const { io, replay, texts } = setup();
    replay.apply([text('ab', [0, 9000])]);
    await io.advance(REPLAY_MAX_GAP_MS - 1);
    expect(texts()).toEqual([[0, 'a']]);
    await io.advance(1);
    expect(texts()).toEqual([
      [0, 'a'],
      [REPLAY_MAX_GAP_MS, 'b'],
    ]);
  });

  it('catches up when it falls behind: nothing shows later than REPLAY_MAX_LAG_MS after it arrived', async () => {
    const { io, replay, texts } = setup();
    // Twenty characters 300 ms apart, arriving in one send (a burst after an outage).
    replay.apply([text('abcdefghijklmnopqrst', Array.from({ length: 20 }, () => 300))]);
    await io.advance(5000);
    const times = texts().map(([at]) => at);
    expect(Math.max(...times)).toBe(REPLAY_MAX_LAG_MS);
    expect(texts().map(([, t]) => t).join('')).toBe('abcdefghijklmnopqrst');
  });

  it('lines a send that arrives during a replay up behind it, at its own cadence', async () => {
    const { io, replay, texts } = setup();
    replay.apply([text('ab', [0, 200])]);
    await io.advance(100);
    replay.apply([text('cd', [100, 100])]);
    await io.advance(1000);
    expect(texts()).toEqual([
      [0, 'a'],
      [200, 'b'],
      [300, 'c'],
      [400, 'd'],
    ]);
  });

  it('keeps what else happens to a person behind their text, and others\' text flowing', async () => {
    const { io, replay, shown } = setup();
    replay.apply([text('bye', [0, 100, 100]), { type: 'left', participant: bo }, text('hi', undefined, 'al')]);
    expect(shown.map(([at, h]) => [at, h.type])).toEqual([
      [0, 'text'],
      [0, 'text'],
    ]);
    await io.advance(200);
    expect(shown.slice(2).map(([at, h]) => [at, h.type === 'text' ? h.text : h.type])).toEqual([
      [100, 'y'],
      [200, 'e'],
      [200, 'left'],
    ]);
  });

  it('keeps text marked late as late, piece by piece', async () => {
    const { io, replay, shown } = setup();
    replay.apply([{ type: 'text', from: 'bo', name: 'Bo', text: 'ab', gaps: [0, 100], late: true }, text('c')]);
    await io.advance(200);
    expect(shown.map(([, h]) => (h.type === 'text' ? [h.text, h.late === true] : []))).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
  });

  it('releases its timer and drops what waits on clear()', async () => {
    const { io, replay, texts } = setup();
    replay.apply([text('abc', [0, 100, 100])]);
    expect(io.pendingTimers).toBe(1);
    replay.clear();
    expect(io.pendingTimers).toBe(0);
    await io.advance(1000);
    expect(texts()).toEqual([[0, 'a']]);
  });
});
