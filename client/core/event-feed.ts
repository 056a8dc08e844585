import type { ChatEvent, ParticipantInfo } from '../../server/protocol.js';
import { LateText } from './late-text.js';

/**
 * What a display shows; own echoes and repeats never become a Happening. `late` text was
 * typed during an outage (see LateText): a display marks it rather than show it as live.
 */
export type Happening =
  | { type: 'text'; from: string; name: string; text: string; gaps?: readonly number[]; late?: true }
  | { type: 'unstable'; participant: ParticipantInfo }
  | { type: 'steady'; participant: ParticipantInfo }
  | { type: 'joined'; participant: ParticipantInfo }
  | { type: 'left'; participant: ParticipantInfo }
  | { type: 'away'; participant: ParticipantInfo }
  | { type: 'back'; participant: ParticipantInfo };

/**
 * Turns the room's raw event stream into what a display shows, shared by the browser
 * and the terminal client: each event at most once (a `reset` poll may repeat events
 * already shown), own text never again (it was shown when typed), others tracked.
 */
export class EventFeed {
  readonly #isOwn: (participant: string) => boolean;
  readonly #others = new Map<string, ParticipantInfo>();
  // id -> expiresAt: an event can only come back while it is live, so entries past
  // their expiry are pruned and the map stays as small as the room's buffer.
  readonly #seen = new Map<string, number>();
  readonly #late = new LateText();

  constructor(isOwn: (participant: string) => boolean) {
    this.#isOwn = isOwn;
  }

  /** The room as the join response described it; returns the others now present. */
  seed(participants: ParticipantInfo[]): ParticipantInfo[] {
    for (const p of participants) if (!this.#isOwn(p.id)) this.#others.set(p.id, { id: p.id, name: p.name });
    return this.others();
  }

  others(): ParticipantInfo[] {
    return [...this.#others.values()];
  }

  apply(events: ChatEvent[], now: number): Happening[] {
    for (const [id, expiresAt] of this.#seen) if (expiresAt <= now) this.#seen.delete(id);
    const out: Happening[] = [];
    for (const event of events) {
      if (this.#seen.has(event.id)) continue;
      this.#seen.set(event.id, event.expiresAt);
      const late = this.#late.observe(event, now);
      const happening = this.#interpret(event, late);
      if (happening) out.push(happening);
    }
    return out;
  }

  #interpret(event: ChatEvent, late: boolean): Happening | undefined {
    if (this.#isOwn(event.from)) return undefined;
    const participant = { id: event.from, name: event.name };
    switch (event.type) {
      case 'text':
        if (!event.text) return undefined;
        // Text from someone whose join expired before we arrived: they are here all the same.
        this.#others.set(event.from, participant);
        return { type: 'text', from: event.from, name: event.name, text: event.text, ...(event.gaps ? { gaps: event.gaps } : {}), ...(late ? { late } : {}) };
      case 'join':
        if (this.#others.has(event.from)) return undefined;
        this.#others.set(event.from, participant);
        return { type: 'joined', participant };
      case 'leave':
        if (!this.#others.delete(event.from)) return undefined;
        return { type: 'left', participant };
      case 'away':
        return { type: 'away', participant };
      case 'back':
        return { type: 'back', participant };
      case 'unstable':
        // Only about someone still here: a stale one after their `leave` (a reset poll) says nothing.
        if (!this.#others.has(event.from)) return undefined;
        return { type: 'unstable', participant };
      case 'steady':
        if (!this.#others.has(event.from)) return undefined;
        return { type: 'steady', participant };
      default:
        // A newer server's event type: ignore it rather than break the display.
        return undefined;
    }
  }
}
