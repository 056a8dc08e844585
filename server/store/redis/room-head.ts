import { parseCursor } from '../../domain/cursor.js';
import type { ChatEvent } from '../../protocol.js';

/** A room's newest event, and the unbroken run of signals it was learnt from. */
export interface KnownHead {
  epoch: string;
  seq: number;
  /** Changes whenever the run breaks: a lease opened in another run may have missed something. */
  run: number;
}

let runs = 0;

/**
 * What one subscribed channel knows of its room's newest event, with no Redis call.
 *
 * Signals carry every appended event, in seq order, to every subscriber. A read made once
 * the SUBSCRIBE was confirmed gives a base; each event signalled after it moves the head on
 * by one. A signal that came without its events, a seq skipped, a new epoch or a
 * resubscription breaks the run, and the head is unknown until the next read. So do a
 * `leave` and a poll of a lease opened elsewhere (RoomChannels): a seat gone or taken over is
 * something a lease carried on without Redis must not miss.
 *
 * Signals and read replies come on different connections, so either may arrive first: a
 * read counts only if nothing broke the run since it was sent (`mark`), and the events
 * signalled before its reply are taken in when they reach back to its seq.
 */
export class RoomHead {
  private epoch = '';
  /** from..to: seqs signalled without a gap; from is 0 once based on a read. */
  private from = -1;
  private to = -1;
  private run = 0;
  private breaks = 0;

  /** Taken before a read is sent, once subscribed; the read's reply goes to based() with it. */
  mark(): number {
    return this.breaks;
  }

  /**
   * A read sent at `mark` found the room at epoch.seq. Returns the run it is part of, or
   * undefined when it counts for nothing (something broke the run since it was sent).
   */
  based(mark: number, epoch: string, seq: number): number | undefined {
    if (mark !== this.breaks) return undefined;
    // Signals after seq came, and not all of them: never in order, but then nothing is known.
    if (this.from > seq + 1 && epoch === this.epoch) {
      this.broken();
      return undefined;
    }
    if (this.from < 0 || epoch !== this.epoch) this.start(epoch, 0, seq);
    else {
      // Events the read counted and the signals have not brought yet are on their way.
      this.from = 0;
      this.to = Math.max(this.to, seq);
    }
    return this.run;
  }

  /** Signalled events, in the order Redis published them. */
  heard(events: readonly ChatEvent[]): void {
    for (const event of events) {
      const at = parseCursor(event.id);
      if (at === undefined) return this.broken();
      if (this.from >= 0 && at.epoch === this.epoch && at.seq <= this.to + 1) this.to = Math.max(this.to, at.seq);
      else {
        // A gap or a new epoch: whatever was between is unknown.
        if (this.from >= 0) this.broken();
        this.start(at.epoch, at.seq, at.seq);
      }
      if (event.type === 'leave') return this.broken();
    }
  }

  /** Something came that may have hidden events or changed a seat (see above): nothing is known until the next read. */
  broken(): void {
    this.from = -1;
    this.to = -1;
    this.run = 0;
    this.breaks += 1;
  }

  get known(): KnownHead | undefined {
    return this.from === 0 ? { epoch: this.epoch, seq: this.to, run: this.run } : undefined;
  }

  private start(epoch: string, from: number, to: number): void {
    this.epoch = epoch;
    this.from = from;
    this.to = to;
    runs += 1;
    this.run = runs;
  }
}
