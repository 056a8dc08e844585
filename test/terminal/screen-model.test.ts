import { describe, expect, it } from 'vitest';
import { FADE_MS, LANE_MAX_CHARS, LINGER_MS, NOTICE_MS } from '../../client/core/display-timing.js';
import { ScreenModel } from '../../client/terminal/screen-model.js';

const T0 = 1_000_000;
const bo = { id: 'p2', name: 'Bo' };

function laneText(model: ScreenModel, now: number, id: string): string {
  return model.view(now).lanes.find((lane) => lane.id === id)?.glyphs.map((g) => g.ch).join('') ?? '';
}

describe('ScreenModel', () => {
  it('shows your own lane, alone, from the beginning', () => {
    const view = new ScreenModel('Ann', 'http://x/r').view(T0);
    expect(view.lanes).toEqual([{ id: 'self', name: 'Ann', colour: undefined, self: true, away: false, unstable: false, glyphs: [] }]);
    expect(view.alone).toBe(true);
    expect(view.status).toBe('connecting');
  });

  it('keeps a character bright for LINGER_MS, faded for FADE_MS, then drops it', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.seed([bo]);
    model.apply([{ type: 'text', from: 'p2', name: 'Bo', text: 'hi' }], T0);
    const at = (now: number) => model.view(now).lanes[0]!.glyphs.map((g) => g.brightness);
    expect(at(T0 + LINGER_MS - 1)).toEqual(['bright', 'bright']);
    expect(at(T0 + LINGER_MS)).toEqual(['faded', 'faded']);
    expect(at(T0 + LINGER_MS + FADE_MS - 1)).toEqual(['faded', 'faded']);
    expect(at(T0 + LINGER_MS + FADE_MS)).toEqual([]);
  });

  it('fades each character on its own clock', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.type('a', T0);
    model.type('b', T0 + 1000);
    expect(laneText(model, T0 + LINGER_MS + FADE_MS, 'self')).toBe('b');
    expect(laneText(model, T0 + 1000 + LINGER_MS + FADE_MS, 'self')).toBe('');
  });

  it('names the next fade or vanishing as the next change, and none when empty', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    expect(model.nextChangeAt(T0)).toBeUndefined();
    model.type('a', T0);
    expect(model.nextChangeAt(T0)).toBe(T0 + LINGER_MS);
    expect(model.nextChangeAt(T0 + LINGER_MS)).toBe(T0 + LINGER_MS + FADE_MS);
    model.view(T0 + LINGER_MS + FADE_MS);
    expect(model.nextChangeAt(T0 + LINGER_MS + FADE_MS)).toBeUndefined();
  });

  it('keeps the last LANE_MAX_CHARS characters of a lane', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.type('x'.repeat(LANE_MAX_CHARS) + 'yz', T0);
    const text = laneText(model, T0, 'self');
    expect(text).toHaveLength(LANE_MAX_CHARS);
    expect(text.endsWith('yz')).toBe(true);
  });

  it('counts an emoji with a skin tone as one character', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.type('👍🏽', T0);
    expect(model.view(T0).lanes[0]!.glyphs).toHaveLength(1);
  });

  it('adds a lane and a passing notice on join, and both leave in time', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.apply([{ type: 'joined', participant: bo }], T0);
    let view = model.view(T0);
    expect(view.lanes.map((l) => l.name)).toEqual(['Bo', 'Ann']);
    expect(view.alone).toBe(false);
    expect(view.notices).toEqual(['Bo joined']);
    view = model.view(T0 + NOTICE_MS);
    expect(view.notices).toEqual([]);
    expect(view.lanes.map((l) => l.name)).toEqual(['Bo', 'Ann']);
  });

  it('removes the lane of someone who left, with their text', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.seed([bo]);
    model.apply([{ type: 'text', from: 'p2', name: 'Bo', text: 'bye' }, { type: 'left', participant: bo }], T0);
    const view = model.view(T0);
    expect(view.lanes.map((l) => l.name)).toEqual(['Ann']);
    expect(view.notices).toEqual(['Bo left the chat']);
  });

  it('marks a lane away until its owner is back', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.seed([bo]);
    model.apply([{ type: 'away', participant: bo }], T0);
    expect(model.view(T0).lanes[0]!.away).toBe(true);
    model.apply([{ type: 'back', participant: bo }], T0 + 1);
    expect(model.view(T0 + 1).lanes[0]!.away).toBe(false);
    expect(model.view(T0 + 1).notices).toEqual(['Bo is back']);
  });

  it('gives others colours in turn, starting again after the sixth', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.seed(Array.from({ length: 7 }, (_, i) => ({ id: `p${i}`, name: `N${i}` })));
    expect(model.view(T0).lanes.map((l) => l.colour)).toEqual([0, 1, 2, 3, 4, 5, 0, undefined]);
  });

  it('opens a lane for text from someone it has not seen join', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.apply([{ type: 'text', from: 'p9', name: 'Cy', text: 'hey' }], T0);
    expect(laneText(model, T0, 'p9')).toBe('hey');
  });
});

describe('ScreenModel partner state', () => {
  const bo = { id: 'p2', name: 'Bo' };

  it('labels an unstable partner\'s lane until steady, with a notice', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.seed([bo]);
    model.apply([{ type: 'unstable', participant: bo }], T0);
    expect(model.view(T0).lanes[0]!.unstable).toBe(true);
    expect(model.view(T0).notices).toEqual(["Bo's connection is unstable"]);
    model.apply([{ type: 'steady', participant: bo }], T0 + 1);
    expect(model.view(T0 + 1).lanes[0]!.unstable).toBe(false);
  });

  it('marks late text\'s characters and says so once per late stretch', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.seed([bo]);
    model.apply([{ type: 'text', from: 'p2', name: 'Bo', text: 'ab', late: true }, { type: 'text', from: 'p2', name: 'Bo', text: 'c', late: true }, { type: 'text', from: 'p2', name: 'Bo', text: 'd' }], T0);
    const view = model.view(T0);
    expect(view.lanes[0]!.glyphs.map((g) => g.late)).toEqual([true, true, true, false]);
    expect(view.notices).toEqual(["Bo's text in italics was typed while their connection was down: it arrived late"]);
  });
});
