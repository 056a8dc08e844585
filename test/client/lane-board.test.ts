import { describe, expect, it } from 'vitest';
import { FADE_MS, LANE_MAX_CHARS, LaneBoard, LINGER_MS, SELF } from '../../client/browser/lane-board.js';
import { asFake, fakeDocument } from './fake-dom.js';
import { FakeIo } from './fake-io.js';

function setup(reducedMotion = false) {
  const io = new FakeIo();
  const board = new LaneBoard({ doc: fakeDocument, timers: io, ownName: 'Ann', reducedMotion });
  board.ensureLane('p2', 'Bo');
  const root = asFake(board.element);
  const laneText = (index: number) => root.findAll('lane-text')[index]!;
  return { io, board, root, others: () => laneText(0), own: () => laneText(1) };
}

describe('LaneBoard#write', () => {
  it('puts others on top and you at the bottom, each lane named', () => {
    const { root } = setup();
    expect(root.findAll('lane-name').map((n) => n.textContent)).toEqual(['Bo', 'Ann (you)']);
    expect(root.findAll('lane')[1]!.classList.contains('self')).toBe(true);
  });

  it('gives every lane its own text direction', () => {
    const { root } = setup();
    expect(root.findAll('lane-text').map((n) => n.getAttribute('dir'))).toEqual(['auto', 'auto']);
  });

  it('shows each character at once, one element per character', () => {
    const { board, others } = setup();
    board.write('p2', 'hi 👋🏽');
    expect(others().children.map((c) => c.textContent)).toEqual(['h', 'i', ' ', '👋🏽']);
  });

  it('starts fading a burst LINGER_MS after its last character and removes it FADE_MS later', async () => {
    const { io, board, others } = setup();
    board.write('p2', 'a');
    const glyph = others().children[0]!;
    await io.advance(LINGER_MS - 1);
    expect(glyph.classList.contains('fading')).toBe(false);
    await io.advance(1);
    expect(glyph.classList.contains('fading')).toBe(true);
    await io.advance(FADE_MS - 1);
    expect(others().children).toHaveLength(1);
    await io.advance(1);
    expect(others().children).toHaveLength(0);
  });

  it('keeps the start of a sentence while its end is still being typed', async () => {
    const { io, board, others } = setup();
    const sentence = 'the start stays while typing';
    for (const ch of sentence) {
      board.write('p2', ch);
      await io.advance(200);
    }
    // 28 characters at 200 ms each: 5.6 s, longer than LINGER_MS + FADE_MS, and all of it still there.
    expect(others().textContent).toBe(sentence);
    expect(others().findAll('fading')).toHaveLength(0);
    await io.advance(LINGER_MS + FADE_MS);
    expect(others().textContent).toBe('');
  });

  it('lets an earlier burst fade while a new one lingers', async () => {
    const { io, board, others } = setup();
    board.write('p2', 'a');
    await io.advance(LINGER_MS + 10);
    board.write('p2', 'b');
    await io.advance(FADE_MS);
    expect(others().textContent).toBe('b');
  });

  it('leaves no message text anywhere once everything has faded', async () => {
    const { io, board, root } = setup();
    board.write('p2', 'secret');
    board.write(SELF, 'mine');
    await io.advance(LINGER_MS + FADE_MS);
    expect(root.textContent).toBe('BoAnn (you)');
    expect(io.pendingTimers).toBe(0);
  });

  it(`keeps at most ${LANE_MAX_CHARS} characters, dropping the oldest first`, async () => {
    const { io, board, others } = setup();
    board.write('p2', 'x'.repeat(LANE_MAX_CHARS));
    await io.advance(LINGER_MS);
    board.write('p2', 'yz');
    expect(others().children).toHaveLength(LANE_MAX_CHARS);
    expect(others().textContent).toBe('x'.repeat(LANE_MAX_CHARS - 2) + 'yz');
    await io.advance(FADE_MS);
    expect(others().textContent).toBe('yz');
  });

  it('with reduced motion, removes characters whole without a fading step', async () => {
    const { io, board, others } = setup(true);
    board.write('p2', 'a');
    await io.advance(LINGER_MS);
    expect(others().children[0]!.classList.contains('fading')).toBe(false);
    await io.advance(FADE_MS);
    expect(others().children).toHaveLength(0);
  });
});

describe('LaneBoard#ensureLane', () => {
  const colourOf = (board: LaneBoard) =>
    asFake(board.element)
      .findAll('lane')
      .map((lane) => lane.className.split(' ').find((c) => /^c\d$/.test(c)));

  it('gives a name the same colour in every board, whoever else is there', () => {
    const io = new FakeIo();
    const first = new LaneBoard({ doc: fakeDocument, timers: io, ownName: 'Ann', reducedMotion: false });
    first.ensureLane('a1', 'Bo');
    const second = new LaneBoard({ doc: fakeDocument, timers: io, ownName: 'Ann', reducedMotion: false });
    second.ensureLane('b1', 'Bo');
    expect(colourOf(first)[0]).toBe(colourOf(second)[0]);
  });

  it('gives eight people eight different colours', () => {
    const io = new FakeIo();
    const board = new LaneBoard({ doc: fakeDocument, timers: io, ownName: 'Me', reducedMotion: false });
    for (const name of ['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal']) board.ensureLane(name, name);
    expect(new Set(colourOf(board).filter(Boolean)).size).toBe(8);
  });
});

describe('LaneBoard#removeLane', () => {
  it('removes the lane and its pending timers', () => {
    const { io, board, root } = setup();
    board.write('p2', 'abc');
    board.removeLane('p2');
    expect(root.findAll('lane')).toHaveLength(1);
    expect(io.pendingTimers).toBe(0);
  });
});
