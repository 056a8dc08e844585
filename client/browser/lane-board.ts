import type { Io, TimerHandle } from '../core/io.js';
import { el } from './dom.js';

/** How long a character stays fully visible: long enough to read a word as it is typed. */
export const LINGER_MS = 2500;
/** Then it fades over this long (styles.css `.ch` transition uses the same 1 s). */
export const FADE_MS = 1000;
/** A lane keeps this many recent characters (about one wide line); older ones drop off. */
export const LANE_MAX_CHARS = 80;
/** Others get these colours in turn (`.c0`…`.c5` in styles.css); yours is `.self`. */
export const LANE_COLOURS = 6;
/** The key of your own lane. */
export const SELF = 'self';

interface Glyph {
  node: HTMLElement;
  timers: TimerHandle[];
}

interface Lane {
  element: HTMLElement;
  text: HTMLElement;
  note: HTMLElement;
  glyphs: Glyph[];
}

export interface LaneBoardOptions {
  doc: Document;
  timers: Pick<Io, 'setTimeout' | 'clearTimeout'>;
  ownName: string;
  /** With prefers-reduced-motion, characters vanish whole instead of fading. */
  reducedMotion: boolean;
}

// Grapheme clusters, so an emoji with modifiers lingers and fades as one character.
const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : undefined;

function characters(text: string): string[] {
  return segmenter ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text);
}

/**
 * One lane per participant, the others on top and yours at the bottom. Each character
 * is its own element with its own timers: it lingers, fades, then leaves the DOM, so
 * once it has faded no message text remains anywhere in the page.
 */
export class LaneBoard {
  readonly element: HTMLElement;
  readonly #others: HTMLElement;
  readonly #lanes = new Map<string, Lane>();
  readonly #options: LaneBoardOptions;
  #colour = 0;

  constructor(options: LaneBoardOptions) {
    this.#options = options;
    this.element = el(options.doc, 'div', 'board');
    this.#others = el(options.doc, 'div', 'others');
    this.element.append(this.#others);
    const own = this.#makeLane(options.ownName, 'self', '(you)');
    this.element.append(own.element);
    this.#lanes.set(SELF, own);
  }

  has(id: string): boolean {
    return this.#lanes.has(id);
  }

  /** Adds a lane for someone else unless it exists (a rejoin brings a new id, hence a new lane). */
  ensureLane(id: string, name: string): void {
    const existing = this.#lanes.get(id);
    if (existing) return;
    const lane = this.#makeLane(name, `c${this.#colour++ % LANE_COLOURS}`);
    this.#lanes.set(id, lane);
    this.#others.append(lane.element);
  }

  /** The lane's element (for a shared picture, issue 10), if the lane exists. */
  laneElement(id: string): HTMLElement | undefined {
    return this.#lanes.get(id)?.element;
  }

  removeLane(id: string): void {
    const lane = this.#lanes.get(id);
    if (!lane || id === SELF) return;
    for (const glyph of lane.glyphs) this.#forget(glyph);
    lane.element.remove();
    this.#lanes.delete(id);
  }

  /** A sentence under the lane's name, or none. */
  setNote(id: string, note: string | undefined): void {
    const lane = this.#lanes.get(id);
    if (!lane) return;
    lane.note.textContent = note ?? '';
    lane.note.hidden = note === undefined;
  }

  write(id: string, text: string): void {
    const lane = this.#lanes.get(id);
    if (!lane) throw new RangeError(`no lane ${id}`);
    const { doc, timers, reducedMotion } = this.#options;
    for (const ch of characters(text)) {
      const node = el(doc, 'span', 'ch', ch);
      const glyph: Glyph = { node, timers: [] };
      if (!reducedMotion) glyph.timers.push(timers.setTimeout(() => node.classList.add('fading'), LINGER_MS));
      glyph.timers.push(timers.setTimeout(() => this.#drop(lane, glyph), LINGER_MS + FADE_MS));
      lane.text.append(node);
      lane.glyphs.push(glyph);
    }
    while (lane.glyphs.length > LANE_MAX_CHARS) this.#drop(lane, lane.glyphs[0]!);
  }

  /** Ends every timer: the page is leaving this view. */
  clear(): void {
    for (const id of [...this.#lanes.keys()]) this.removeLane(id);
    const own = this.#lanes.get(SELF);
    if (own) for (const glyph of own.glyphs.splice(0)) this.#forget(glyph);
  }

  #makeLane(name: string, colourClass: string, suffix?: string): Lane {
    const { doc } = this.#options;
    const element = el(doc, 'section', `lane ${colourClass}`);
    const label = el(doc, 'h2', 'lane-name', name);
    if (suffix) label.append(el(doc, 'span', 'lane-you', ` ${suffix}`));
    const note = el(doc, 'p', 'lane-note');
    note.hidden = true;
    const text = el(doc, 'div', 'lane-text');
    element.append(label, note, text);
    return { element, text, note, glyphs: [] };
  }

  #drop(lane: Lane, glyph: Glyph): void {
    const index = lane.glyphs.indexOf(glyph);
    if (index >= 0) lane.glyphs.splice(index, 1);
    this.#forget(glyph);
  }

  #forget(glyph: Glyph): void {
    for (const timer of glyph.timers) this.#options.timers.clearTimeout(timer);
    glyph.node.remove();
  }
}
