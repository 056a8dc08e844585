import { FADE_MS, LINGER_MS } from '../core/display-timing.js';
import type { Io, TimerHandle } from '../core/io.js';
import { el } from './dom.js';
import { laneColour } from './lane-colours.js';

// Text stays fully visible until LINGER_MS after its burst of typing pauses, so a sentence
// typed in one go is read whole, then fades over FADE_MS (styles.css `.ch` uses the same 1 s):
// the terminal's timing too, so a word vanishes at the same moment on every screen.
export { FADE_MS, LINGER_MS } from '../core/display-timing.js';
/**
 * A lane keeps this many recent characters; older ones drop off. Its height is
 * bounded by CSS too, so a long paste or many newlines never grow the page.
 */
export const LANE_MAX_CHARS = 400;
/** The key of your own lane. */
export const SELF = 'self';

interface Lane {
  element: HTMLElement;
  text: HTMLElement;
  note: HTMLElement;
  colour: number | undefined;
  /** Characters of the burst still being typed, waiting for a pause. */
  burst: HTMLElement[];
  lingerTimer: TimerHandle | undefined;
  /** Earlier bursts that are fading, each with its removal timer. */
  fading: { nodes: HTMLElement[]; timer: TimerHandle }[];
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
 * is its own element; a burst of typing lingers until LINGER_MS after its last
 * character, fades, then leaves the DOM, so once it has faded no message text remains
 * anywhere in the page.
 */
export class LaneBoard {
  readonly element: HTMLElement;
  readonly #others: HTMLElement;
  readonly #lanes = new Map<string, Lane>();
  readonly #options: LaneBoardOptions;

  constructor(options: LaneBoardOptions) {
    this.#options = options;
    this.element = el(options.doc, 'div', 'board');
    this.#others = el(options.doc, 'div', 'others');
    // It scrolls when a group's lanes outgrow the screen: reachable by keyboard, and named.
    this.#others.setAttribute('role', 'region');
    this.#others.setAttribute('aria-label', 'What the others type');
    this.#others.setAttribute('tabindex', '0');
    this.element.append(this.#others);
    const own = this.#makeLane(options.ownName, 'self', undefined, '(you)');
    this.element.append(own.element);
    this.#lanes.set(SELF, own);
  }

  has(id: string): boolean {
    return this.#lanes.has(id);
  }

  /** Adds a lane for someone else unless it exists (a rejoin brings a new id, hence a new lane). */
  ensureLane(id: string, name: string): void {
    if (this.#lanes.has(id)) return;
    const taken = new Set<number>();
    for (const lane of this.#lanes.values()) if (lane.colour !== undefined) taken.add(lane.colour);
    const colour = laneColour(name, taken);
    const lane = this.#makeLane(name, `c${colour}`, colour);
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
    this.#empty(lane);
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

  /** Shows `text` in the lane; `late` text (typed during an outage) is marked so it does not pass for live typing. */
  write(id: string, text: string, late = false): void {
    const lane = this.#lanes.get(id);
    if (!lane) throw new RangeError(`no lane ${id}`);
    const { doc, timers } = this.#options;
    for (const ch of characters(text)) {
      const node = el(doc, 'span', late ? 'ch late' : 'ch', ch);
      lane.text.append(node);
      lane.burst.push(node);
    }
    this.#trim(lane);
    if (lane.lingerTimer !== undefined) timers.clearTimeout(lane.lingerTimer);
    lane.lingerTimer = timers.setTimeout(() => this.#fadeBurst(lane), LINGER_MS);
    // The lane's height is bounded: keep its newest line in view.
    lane.text.scrollTop = lane.text.scrollHeight;
  }

  /** Ends every timer: the page is leaving this view. */
  clear(): void {
    for (const id of [...this.#lanes.keys()]) this.removeLane(id);
    const own = this.#lanes.get(SELF);
    if (own) this.#empty(own);
  }

  #makeLane(name: string, colourClass: string, colour: number | undefined, suffix?: string): Lane {
    const { doc } = this.#options;
    const element = el(doc, 'section', `lane ${colourClass}`);
    const label = el(doc, 'h2', 'lane-name');
    // Its own direction, so a right-to-left name neither flips nor is flipped by "(you)".
    const nameNode = el(doc, 'bdi', 'lane-who', name);
    label.append(nameNode);
    if (suffix) label.append(el(doc, 'span', 'lane-you', ` ${suffix}`));
    const note = el(doc, 'p', 'lane-note');
    note.hidden = true;
    const text = el(doc, 'div', 'lane-text');
    // Each lane takes its direction from its own first strong character (Arabic, Hebrew…).
    text.setAttribute('dir', 'auto');
    element.append(label, note, text);
    return { element, text, note, colour, burst: [], lingerTimer: undefined, fading: [] };
  }

  #fadeBurst(lane: Lane): void {
    const { timers, reducedMotion } = this.#options;
    lane.lingerTimer = undefined;
    const nodes = lane.burst.splice(0);
    if (nodes.length === 0) return;
    if (!reducedMotion) for (const node of nodes) node.classList.add('fading');
    const group = {
      nodes,
      timer: timers.setTimeout(() => {
        lane.fading.splice(lane.fading.indexOf(group), 1);
        for (const node of nodes) node.remove();
      }, FADE_MS),
    };
    lane.fading.push(group);
  }

  /** Drops the oldest characters past LANE_MAX_CHARS; a burst whose every character dropped takes its timer with it. */
  #trim(lane: Lane): void {
    let excess = lane.text.children.length - LANE_MAX_CHARS;
    while (excess > 0 && lane.fading.length > 0) {
      const group = lane.fading[0]!;
      const node = group.nodes.shift();
      node?.remove();
      excess -= 1;
      if (group.nodes.length === 0) {
        this.#options.timers.clearTimeout(group.timer);
        lane.fading.shift();
      }
    }
    if (excess > 0) for (const node of lane.burst.splice(0, excess)) node.remove();
  }

  #empty(lane: Lane): void {
    const { timers } = this.#options;
    if (lane.lingerTimer !== undefined) timers.clearTimeout(lane.lingerTimer);
    lane.lingerTimer = undefined;
    for (const group of lane.fading.splice(0)) timers.clearTimeout(group.timer);
    for (const node of lane.burst.splice(0)) node.remove();
    lane.text.textContent = '';
  }
}
