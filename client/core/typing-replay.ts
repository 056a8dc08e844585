import type { Happening } from './event-feed.js';
import type { Io, TimerHandle } from './io.js';

/**
 * A pause inside one send is shown at most this long: a longer one means the typist's link
 * stalled or they stopped to think, and making the reader wait it out only delays the text.
 */
export const REPLAY_MAX_GAP_MS = 1000;
/**
 * No character is shown later than this after it arrived: a reader who falls behind the
 * typist (a long send, a burst after an outage) catches up by dropping pauses.
 */
export const REPLAY_MAX_LAG_MS = 1000;

type Queued = { kind: 'char'; from: string; name: string; ch: string; late: boolean; dueMs: number } | { kind: 'other'; happening: Happening; dueMs: number };

/**
 * Shows others' text at the cadence it was typed (XEP-0301's waits): the characters of one
 * send come out at the gaps it carried, not all at once. The first character of a send is
 * shown the moment it arrives when nothing of that person is waiting, so replay never
 * delays the start of a burst. Whatever else happens to that person (they left, tabbed
 * away) waits behind their text, so the display sees it in the room's order. Shared by the
 * browser and the terminal; timers come from the Io seam.
 */
export class TypingReplay {
  readonly #io: Pick<Io, 'setTimeout' | 'clearTimeout' | 'now'>;
  readonly #show: (happenings: Happening[]) => void;
  readonly #queues = new Map<string, Queued[]>();
  #timer: TimerHandle | undefined;

  constructor(io: Pick<Io, 'setTimeout' | 'clearTimeout' | 'now'>, show: (happenings: Happening[]) => void) {
    this.#io = io;
    this.#show = show;
  }

  /** True while some text waits to be shown. */
  get pending(): boolean {
    return this.#queues.size > 0;
  }

  /** Takes happenings in the room's order; shows what is due now, the rest on its own timer. */
  apply(happenings: Happening[]): void {
    const now = this.#io.now();
    for (const h of happenings) {
      const key = h.type === 'text' ? h.from : h.participant.id;
      const queue = this.#queues.get(key) ?? [];
      if (h.type === 'text') this.#queueText(queue, h, now);
      else queue.push({ kind: 'other', happening: h, dueMs: queue.at(-1)?.dueMs ?? now });
      this.#queues.set(key, queue);
    }
    this.#release();
  }

  /** Drops what waits and its timer: the view is going away. */
  clear(): void {
    if (this.#timer !== undefined) this.#io.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queues.clear();
  }

  #queueText(queue: Queued[], h: Extract<Happening, { type: 'text' }>, now: number): void {
    const chars = Array.from(h.text);
    // A server that changed the text (or a client that miscounted) loses only the cadence.
    const gaps = h.gaps?.length === chars.length ? h.gaps : undefined;
    let previous = queue.at(-1)?.dueMs;
    const latest = now + REPLAY_MAX_LAG_MS;
    chars.forEach((ch, i) => {
      const gap = Math.min(gaps?.[i] ?? 0, REPLAY_MAX_GAP_MS);
      const dueMs = previous === undefined ? now : Math.max(previous, Math.min(previous + gap, latest));
      queue.push({ kind: 'char', from: h.from, name: h.name, ch, late: h.late === true, dueMs });
      previous = dueMs;
    });
  }

  /** Shows everything due, merging a person's consecutive characters into one text. */
  #release(): void {
    if (this.#timer !== undefined) this.#io.clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = this.#io.now();
    const out: Happening[] = [];
    let next: number | undefined;
    for (const [key, queue] of this.#queues) {
      let taken = 0;
      while (taken < queue.length && queue[taken]!.dueMs <= now) {
        const item = queue[taken]!;
        const last = out.at(-1);
        if (item.kind === 'other') out.push(item.happening);
        else if (last?.type === 'text' && last.from === item.from && (last.late === true) === item.late) out[out.length - 1] = { ...last, text: last.text + item.ch };
        else out.push({ type: 'text', from: item.from, name: item.name, text: item.ch, ...(item.late ? { late: true as const } : {}) });
        taken += 1;
      }
      queue.splice(0, taken);
      if (queue.length === 0) this.#queues.delete(key);
      else next = Math.min(next ?? Infinity, queue[0]!.dueMs);
    }
    if (next !== undefined) this.#timer = this.#io.setTimeout(() => this.#release(), next - now);
    if (out.length > 0) this.#show(out);
  }
}
