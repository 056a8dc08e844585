import {
  BOLD,
  CURSOR_HOME,
  DIM,
  ITALIC,
  ERASE_BELOW,
  ERASE_TO_LINE_END,
  LANE_FOREGROUNDS,
  RESET_STYLE,
  REVERSE,
  sgr,
} from './ansi.js';
import type { GlyphView, LaneView, ScreenStatus, ScreenView } from './screen-model.js';
import { columns, printable, truncate } from './text-cells.js';

export interface ScreenSize {
  columns: number;
  rows: number;
}

/** At most this many notices at once: the conversation keeps the room's space. */
export const MAX_NOTICE_ROWS = 3;
// A lane's text is indented under its name by this many columns.
const INDENT = '  ';
// Below this a lane (name and one line of text) plus the header and status line do not fit.
const MIN_ROWS = 4;
const MIN_COLUMNS = 20;

const STATUS_TEXT: Record<ScreenStatus, string> = {
  connecting: 'connecting…',
  connected: '● connected',
  reconnecting: 'reconnecting…',
  full: 'this room is full: press any key to quit',
  vanished: 'this chat has vanished: press any key to quit',
};

/**
 * One frame as `size.rows` lines of at most `size.columns` columns each, styled with
 * SGR sequences. Pure: the same view and size always give the same lines.
 */
export function renderScreen(view: ScreenView, size: ScreenSize): string[] {
  const width = size.columns;
  if (size.rows < MIN_ROWS || width < MIN_COLUMNS) return fill([plain('phantachat: make the window larger', Math.max(1, width))], size.rows);

  // Your own lane (its name and a line) always fits; notices give way to it first.
  const noticeRows = Math.min(view.notices.length, MAX_NOTICE_ROWS, size.rows - MIN_ROWS);
  const notices = view.notices.slice(view.notices.length - noticeRows).map((n) => sgr(DIM) + truncate(printable(n), width) + RESET_STYLE);
  const laneRows = size.rows - 2 - noticeRows;
  const invitation = view.alone && laneRows >= 4 ? [plain('Nobody else is here yet. Send them this link:', width), plain(view.roomUrl, width)] : [];
  const available = laneRows - invitation.length;
  // Each lane needs its name and a line of text; later arrivals wait for space.
  const others = view.lanes.filter((lane) => !lane.self).slice(0, Math.floor(available / 2) - 1);
  const textRows = Math.floor(available / (others.length + 1)) - 1;
  const body = [...invitation, ...others.flatMap((lane) => laneLines(lane, textRows, width))];
  const own = laneLines(view.lanes.find((lane) => lane.self)!, textRows, width);
  while (body.length + own.length < laneRows) body.push('');

  const header = sgr(BOLD) + truncate(printable(`phantachat  ${view.roomUrl}`), width) + RESET_STYLE;
  return [header, ...body, ...own, ...notices, statusLine(view, width)];
}

/** The bytes that paint `lines` over the previous frame without clearing first (no flicker). */
export function frame(lines: string[]): string {
  return CURSOR_HOME + lines.map((line) => line + RESET_STYLE + ERASE_TO_LINE_END).join('\r\n') + ERASE_BELOW;
}

function laneLines(lane: LaneView, textRows: number, width: number): string[] {
  const colour = lane.colour === undefined ? [] : [LANE_FOREGROUNDS[lane.colour]!];
  const label = `${printable(lane.name)}${lane.self ? ' (you)' : ''}${lane.away ? ': away, not reading' : ''}${lane.unstable ? ': connection unstable' : ''}`;
  const name = sgr(BOLD, ...colour) + truncate(label, width) + RESET_STYLE;
  const wrapped = wrap(lane.glyphs, Math.max(1, width - INDENT.length));
  const shown = wrapped.slice(-textRows);
  while (shown.length < textRows) shown.push([]);
  return [name, ...shown.map((line) => INDENT + styled(line, colour))];
}

/** Breaks a lane's characters into lines: at a typed newline, and where the width runs out. */
function wrap(glyphs: GlyphView[], width: number): GlyphView[][] {
  const lines: GlyphView[][] = [[]];
  let used = 0;
  for (const glyph of glyphs) {
    if (glyph.ch === '\n' || glyph.ch === '\r' || glyph.ch === '\r\n') {
      lines.push([]);
      used = 0;
      continue;
    }
    const ch = glyph.ch === '\t' ? ' ' : printable(glyph.ch);
    const w = columns(ch);
    if (w === 0) continue;
    if (used + w > width) {
      lines.push([]);
      used = 0;
    }
    lines[lines.length - 1]!.push({ ch, brightness: glyph.brightness, late: glyph.late });
    used += w;
  }
  return lines;
}

function styled(line: GlyphView[], colour: number[]): string {
  let out = '';
  let current: string | undefined;
  for (const glyph of line) {
    // Late text is italic (where the terminal has italics) as well as its brightness.
    const style = [...(glyph.brightness === 'faded' ? [DIM] : []), ...(glyph.late ? [ITALIC] : []), ...colour];
    const key = style.join(';');
    if (key !== current) {
      current = key;
      out += RESET_STYLE + (style.length > 0 ? sgr(...style) : '');
    }
    out += glyph.ch;
  }
  return out + (line.length > 0 ? RESET_STYLE : '');
}

function statusLine(view: ScreenView, width: number): string {
  const here = view.lanes.length;
  const right = `${here} here · Ctrl-C leaves`;
  const left = STATUS_TEXT[view.status];
  const gap = width - columns(left) - columns(right);
  const text = gap >= 1 ? left + ' '.repeat(gap) + right : truncate(left, width).padEnd(width);
  return sgr(REVERSE) + text + RESET_STYLE;
}

function plain(text: string, width: number): string {
  return truncate(printable(text), width);
}

function fill(lines: string[], rows: number): string[] {
  const out = lines.slice(0, rows);
  while (out.length < rows) out.push('');
  return out;
}
