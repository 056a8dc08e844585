import type { ParticipantInfo } from '../../server/protocol.js';
import { FADE_MS, LANE_MAX_CHARS, LINGER_MS, NOTICE_MS } from '../core/display-timing.js';
import type { Happening } from '../core/event-feed.js';
import { LANE_FOREGROUNDS } from './ansi.js';
import { graphemes } from './text-cells.js';

/** What the status line says. `full` and `vanished` end the conversation. */
export type ScreenStatus = 'connecting' | 'connected' | 'reconnecting' | 'full' | 'vanished';

/** A character is `bright` for LINGER_MS, then `faded` for FADE_MS, then gone. */
export type Brightness = 'bright' | 'faded';

export interface GlyphView {
  ch: string;
  brightness: Brightness;
  /** Typed during an outage and arrived late: drawn so it does not pass for live typing. */
  late: boolean;
}

export interface LaneView {
  id: string;
  name: string;
  /** Index into LANE_FOREGROUNDS; undefined for your own lane. */
  colour: number | undefined;
  self: boolean;
  away: boolean;
  /** The room said this participant's connection is unstable (until their `steady`). */
  unstable: boolean;
  glyphs: GlyphView[];
}

/** Everything a frame shows at one instant: the renderer needs nothing else. */
export interface ScreenView {
  roomUrl: string;
  /** Others in the order they arrived, then yours. */
  lanes: LaneView[];
  notices: string[];
  status: ScreenStatus;
  alone: boolean;
}

interface Glyph {
  ch: string;
  shownAt: number;
  late: boolean;
}

interface Lane {
  id: string;
  name: string;
  colour: number | undefined;
  away: boolean;
  unstable: boolean;
  /** The last text in this lane was late: the "arrived late" notice is said once per late stretch. */
  late: boolean;
  glyphs: Glyph[];
}

interface Notice {
  text: string;
  shownAt: number;
}

const SELF = 'self';

/**
 * The terminal's picture of the conversation, driven by the time each call passes in:
 * it holds no timers, so a fake clock tests every fade. The caller asks
 * `nextChangeAt(now)` when to draw again.
 */
export class ScreenModel {
  readonly #roomUrl: string;
  readonly #lanes = new Map<string, Lane>();
  #notices: Notice[] = [];
  #status: ScreenStatus = 'connecting';
  #nextColour = 0;

  constructor(ownName: string, roomUrl: string) {
    this.#roomUrl = roomUrl;
    this.#lanes.set(SELF, { id: SELF, name: ownName, colour: undefined, away: false, unstable: false, late: false, glyphs: [] });
  }

  /** The others already in the room when we joined. */
  seed(participants: ParticipantInfo[]): void {
    for (const p of participants) this.#ensureLane(p.id, p.name);
  }

  get status(): ScreenStatus {
    return this.#status;
  }

  setStatus(status: ScreenStatus): void {
    this.#status = status;
  }

  /** What you typed, shown in your lane as it is sent. */
  type(text: string, now: number): void {
    this.#write(this.#lanes.get(SELF)!, text, now);
  }

  apply(happenings: Happening[], now: number): void {
    for (const h of happenings) {
      switch (h.type) {
        case 'text': {
          const lane = this.#ensureLane(h.from, h.name);
          const late = h.late === true;
          if (late && !lane.late) this.#say(`${h.name}'s text in italics was typed while their connection was down: it arrived late`, now);
          lane.late = late;
          this.#write(lane, h.text, now, late);
          break;
        }
        case 'unstable':
          this.#ensureLane(h.participant.id, h.participant.name).unstable = true;
          this.#say(`${h.participant.name}'s connection is unstable`, now);
          break;
        case 'steady':
          this.#ensureLane(h.participant.id, h.participant.name).unstable = false;
          break;
        case 'joined':
          this.#ensureLane(h.participant.id, h.participant.name);
          this.#say(`${h.participant.name} joined`, now);
          break;
        case 'left':
          this.#lanes.delete(h.participant.id);
          this.#say(`${h.participant.name} left the chat`, now);
          break;
        case 'away':
          this.#ensureLane(h.participant.id, h.participant.name).away = true;
          break;
        case 'back':
          this.#ensureLane(h.participant.id, h.participant.name).away = false;
          this.#say(`${h.participant.name} is back`, now);
          break;
      }
    }
  }

  view(now: number): ScreenView {
    this.#prune(now);
    const others = [...this.#lanes.values()].filter((lane) => lane.id !== SELF);
    const lanes = [...others, this.#lanes.get(SELF)!].map((lane) => ({
      id: lane.id,
      name: lane.name,
      colour: lane.colour,
      self: lane.id === SELF,
      away: lane.away,
      unstable: lane.unstable,
      glyphs: lane.glyphs.map((g) => ({ ch: g.ch, brightness: brightness(g, now), late: g.late })),
    }));
    return {
      roomUrl: this.#roomUrl,
      lanes,
      notices: this.#notices.map((n) => n.text),
      status: this.#status,
      alone: others.length === 0,
    };
  }

  /** The next instant at which the picture changes by itself (a fade, a vanishing), if any. */
  nextChangeAt(now: number): number | undefined {
    let next = Infinity;
    const consider = (at: number): void => {
      if (at > now && at < next) next = at;
    };
    for (const lane of this.#lanes.values()) {
      for (const g of lane.glyphs) {
        consider(g.shownAt + LINGER_MS);
        consider(g.shownAt + LINGER_MS + FADE_MS);
      }
    }
    for (const n of this.#notices) consider(n.shownAt + NOTICE_MS);
    return next === Infinity ? undefined : next;
  }

  #ensureLane(id: string, name: string): Lane {
    let lane = this.#lanes.get(id);
    if (!lane) {
      lane = { id, name, colour: this.#nextColour++ % LANE_FOREGROUNDS.length, away: false, unstable: false, late: false, glyphs: [] };
      this.#lanes.set(id, lane);
    }
    return lane;
  }

  #write(lane: Lane, text: string, now: number, late = false): void {
    for (const ch of graphemes(text)) lane.glyphs.push({ ch, shownAt: now, late });
    if (lane.glyphs.length > LANE_MAX_CHARS) lane.glyphs.splice(0, lane.glyphs.length - LANE_MAX_CHARS);
  }

  #say(text: string, now: number): void {
    this.#notices.push({ text, shownAt: now });
  }

  #prune(now: number): void {
    for (const lane of this.#lanes.values()) lane.glyphs = lane.glyphs.filter((g) => now < g.shownAt + LINGER_MS + FADE_MS);
    this.#notices = this.#notices.filter((n) => now < n.shownAt + NOTICE_MS);
  }
}

function brightness(glyph: Glyph, now: number): Brightness {
  return now < glyph.shownAt + LINGER_MS ? 'bright' : 'faded';
}
