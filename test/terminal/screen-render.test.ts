import { describe, expect, it } from 'vitest';
import { columns } from '../../client/terminal/text-cells.js';
import { LINGER_MS } from '../../client/core/display-timing.js';
import { ScreenModel } from '../../client/terminal/screen-model.js';
import { frame, MAX_NOTICE_ROWS, renderScreen } from '../../client/terminal/screen-render.js';
import { stripAnsi } from './strip-ansi.js';

const T0 = 1_000_000;
const size = { columns: 60, rows: 16 };

function twoPeople(): ScreenModel {
  const model = new ScreenModel('Ann', 'http://x/AbC123');
  model.seed([{ id: 'p2', name: 'Bo' }]);
  model.setStatus('connected');
  return model;
}

function visible(model: ScreenModel, now: number, at = size): string[] {
  return renderScreen(model.view(now), at).map(stripAnsi);
}

describe('renderScreen', () => {
  it('fills the screen exactly, within its width, at any size', () => {
    const model = twoPeople();
    model.apply([{ type: 'text', from: 'p2', name: 'Bo', text: 'wide 你好 👍🏽 '.repeat(5) }], T0);
    model.apply([{ type: 'joined', participant: { id: 'p3', name: 'Cy' } }], T0);
    for (const at of [{ columns: 20, rows: 4 }, { columns: 33, rows: 7 }, { columns: 100, rows: 30 }, { columns: 61, rows: 5 }]) {
      const lines = visible(model, T0, at);
      expect(lines).toHaveLength(at.rows);
      for (const line of lines) expect(columns(line)).toBeLessThanOrEqual(at.columns);
    }
  });

  it('puts others at the top, you at the bottom and the status on the last line', () => {
    const model = twoPeople();
    model.apply([{ type: 'text', from: 'p2', name: 'Bo', text: 'hello' }], T0);
    model.type('hi', T0);
    const lines = visible(model, T0);
    expect(lines[0]).toBe('phantachat  http://x/AbC123');
    expect(lines[1]).toBe('Bo');
    expect(lines[2]).toBe('  hello');
    const own = lines.indexOf('Ann (you)');
    expect(own).toBeGreaterThan(2);
    expect(lines[own + 1]).toBe('  hi');
    expect(lines.at(-1)).toMatch(/^● connected +2 here · Ctrl-C leaves$/u);
  });

  it('breaks a lane at a typed newline and where the width runs out', () => {
    const model = twoPeople();
    model.apply([{ type: 'text', from: 'p2', name: 'Bo', text: 'ab\ncd' + 'e'.repeat(60) }], T0);
    const lines = visible(model, T0);
    expect(lines.slice(2, 5)).toEqual(['  ab', `  cd${'e'.repeat(56)}`, '  eeee']);
  });

  it('dims a character once it lingered, then leaves nothing of it', () => {
    const model = twoPeople();
    model.apply([{ type: 'text', from: 'p2', name: 'Bo', text: 'secret' }], T0);
    const dim = '\u001b[2;31m';
    expect(renderScreen(model.view(T0), size)[2]).not.toContain(dim);
    expect(renderScreen(model.view(T0 + LINGER_MS), size)[2]).toContain(`${dim}secret`);
    expect(visible(model, T0 + 3500).join('\n')).not.toContain('secret');
  });

  it('writes no control character a sender smuggled into a name or text', () => {
    const model = new ScreenModel('Ann', 'http://x/r');
    model.apply([{ type: 'text', from: 'p2', name: 'B\u001b]0;pwned\u0007o', text: 'x\u001b[2Jy\u009b\u202ez' }], T0);
    const lines = renderScreen(model.view(T0), size);
    for (const line of lines) {
      const withoutStyling = stripAnsi(line);
      // eslint-disable-next-line no-control-regex
      expect(withoutStyling).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/u);
    }
    expect(stripAnsi(lines[1]!)).toBe('B\ufffd]0;pwned\ufffdo');
  });

  it('shows the invitation while you are alone', () => {
    const lines = visible(new ScreenModel('Ann', 'http://x/AbC123'), T0);
    expect(lines.slice(1, 3)).toEqual(['Nobody else is here yet. Send them this link:', 'http://x/AbC123']);
  });

  it(`shows at most ${MAX_NOTICE_ROWS} notices, the latest, above the status line`, () => {
    const model = twoPeople();
    for (const name of ['A', 'B', 'C', 'D']) model.apply([{ type: 'joined', participant: { id: name, name } }], T0);
    const lines = visible(model, T0);
    expect(lines.slice(-4, -1)).toEqual(['B joined', 'C joined', 'D joined']);
  });

  it('says why the chat ended on the status line', () => {
    const model = twoPeople();
    model.setStatus('vanished');
    expect(visible(model, T0).at(-1)).toContain('this chat has vanished: press any key to quit');
    model.setStatus('reconnecting');
    expect(visible(model, T0).at(-1)).toContain('reconnecting…');
  });

  it('asks for a larger window when nothing fits', () => {
    const lines = visible(twoPeople(), T0, { columns: 19, rows: 10 });
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('phantachat: make th');
  });
});

describe('frame', () => {
  it('paints from the top left, erases each line to its end and everything below', () => {
    expect(frame(['a', 'b'])).toBe('\u001b[Ha\u001b[0m\u001b[K\r\nb\u001b[0m\u001b[K\u001b[J');
  });
});

describe('renderScreen partner state', () => {
  it('says in the lane name that a partner\'s connection is unstable, and draws late text in italics', () => {
    const model = twoPeople();
    model.apply([{ type: 'unstable', participant: { id: 'p2', name: 'Bo' } }, { type: 'text', from: 'p2', name: 'Bo', text: 'late', late: true }], T0);
    const raw = renderScreen(model.view(T0), size);
    expect(stripAnsi(raw[1]!)).toBe('Bo: connection unstable');
    expect(raw[2]).toContain('\u001b[3;31mlate'); // italic, in Bo's colour
  });
});
