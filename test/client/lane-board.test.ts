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

  it('shows each character at once, one element per character', () => {
    const { board, others } = setup();
    board.write('p2', 'hi 👋🏽');
    expect(others().children.map((c) => c.textContent)).toEqual(['h', 'i', ' ', '👋🏽']);
  });

  it('starts fading a character after LINGER_MS and removes it after FADE_MS more', async () => {
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

  it('leaves no message text anywhere once everything has faded', async () => {
    const { io, board, root } = setup();
    board.write('p2', 'secret');
    board.write(SELF, 'mine');
    await io.advance(LINGER_MS + FADE_MS);
    expect(root.textContent).toBe('BoAnn (you)');
    expect(io.pendingTimers).toBe(0);
  });

  it('gives each character its own clock', async () => {
    const { io, board, others } = setup();
    board.write('p2', 'a');
    await io.advance(1000);
    board.write('p2', 'b');
    await io.advance(LINGER_MS + FADE_MS - 1000);
    expect(others().textContent).toBe('b');
  });

  it(`keeps at most ${LANE_MAX_CHARS} characters, dropping the oldest first`, () => {
    const { io, board, others } = setup();
    board.write('p2', 'x'.repeat(LANE_MAX_CHARS));
    board.write('p2', 'yz');
    expect(others().children).toHaveLength(LANE_MAX_CHARS);
    expect(others().textContent).toBe('x'.repeat(LANE_MAX_CHARS - 2) + 'yz');
    // Dropped characters take their timers with them.
    expect(io.pendingTimers).toBe(LANE_MAX_CHARS * 2);
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

describe('LaneBoard#removeLane', () => {
  it('removes the lane and its pending timers', () => {
    const { io, board, root } = setup();
    board.write('p2', 'abc');
    board.removeLane('p2');
    expect(root.findAll('lane')).toHaveLength(1);
    expect(io.pendingTimers).toBe(0);
  });
});
