import { parseCursor, type Cursor } from '../domain/cursor.js';
import type { ChatEvent, PollResponse } from '../protocol.js';
import type { OpenPoll, RoomSignal, RoomStore } from '../store/room-store.js';
import { systemTimers, type Timers } from '../timers.js';

/** What the hub needs of the client's connection (an http.ServerResponse is one). */
export interface ClientConnection {
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export interface PollRequest {
  room: string;
  token: string;
  cursor: Cursor | undefined;
  /** How long to hold when nothing is new; already capped at POLL_HOLD_MS. */
  holdMs: number;
  limit: number;
  /** Closing it before the answer is written means the client went away. */
  connection: ClientConnection;
}

export type PollEnd = 'events' | 'timeout' | 'aborted' | 'replaced' | 'shutdown';

export interface PollHubOptions {
  timers?: Timers;
  onEnd?: (end: PollEnd) => void;
  /** POLL_MAX_BYTES: events heard along wake-ups past this many JSON bytes are read instead (the read caps the answer). */
  maxAnswerBytes?: number;
}

// A participant's own events do not end its held poll at once: its client already shows
// what it typed, and answering every keystroke's echo would cost a request per keystroke.
// They ride along with the next answer, or after this long (half the TTL at most, so they
// are always delivered while live). 1 s keeps a silent curl user's view fresh enough.
export const OWN_ECHO_DELAY_MS = 1_000;

/**
 * Held polls. Each settles exactly once, on the first of: events arrive, the hold
 * times out, the client aborts, a newer poll by the same participant replaces it, or
 * the server shuts down. Every path releases its timers, its store subscription, its
 * close listener and its presence lease.
 */
export class PollHub {
  private readonly shared: HubShared;
  private closing = false;

  constructor(store: RoomStore, { timers = systemTimers, onEnd = () => {}, maxAnswerBytes = Number.POSITIVE_INFINITY }: PollHubOptions = {}) {
    this.shared = { store, timers, onEnd, maxAnswerBytes, held: new Set() };
  }

  /** Polls being held right now. */
  get size(): number {
    return this.shared.held.size;
  }

  /** Answers every held poll at once (with no events) and every later poll without holding. */
  shutdown(): void {
    this.closing = true;
    for (const poll of [...this.shared.held]) poll.settleEmpty('shutdown');
  }

  async poll(request: PollRequest): Promise<PollResponse> {
    // Subscribe before reading, so an event appended between the read and the hold is not missed.
    const poll = new HeldPoll(this.shared, request);
    let opened: OpenPoll;
    try {
      opened = await this.shared.store.openPoll(request.room, request.token, request.cursor, request.holdMs, request.limit);
    } catch (error) {
      poll.unsubscribe();
      throw error;
    }
    return poll.hold(opened, this.closing);
  }
}

/** What the hub shares with its held polls, and nobody else sees. */
interface HubShared {
  readonly store: RoomStore;
  readonly timers: Timers;
  readonly onEnd: (end: PollEnd) => void;
  readonly maxAnswerBytes: number;
  /** The polls being held, so shutdown can answer them all. */
  readonly held: Set<HeldPoll>;
}

/** One poll from open to answer; an object rather than closures, as thousands are held at once. */
class HeldPoll {
  readonly unsubscribe: () => void;
  private resolve: (result: PollResponse) => void = () => {};
  private participant = '';
  private leaseId = '';
  private lease = 0;
  private empty: PollResponse = { events: [], cursor: '' };
  private opened = false;
  private settled = false;
  private pending = false; // an 'events' signal without its events came while opening or reading
  private reading = false;
  /** Events after the request's cursor known so far, complete up to `knownTo` (undefined: unknown, read). */
  private known: ChatEvent[] = [];
  private knownTo: Cursor | undefined;
  /** JSON bytes of `known`, as far as the signals told (a read's answer is capped by the store). */
  private knownBytes = 0;
  /** Events signalled while opening or reading, taken in once that is done, and their JSON bytes. */
  private heard: ChatEvent[] = [];
  private heardBytes = 0;
  /** The newest lease of each participant signalled before this poll knew whose it is. */
  private earlyLeases: Map<string, number> | undefined;
  private holdTimer: unknown;
  private echoTimer: unknown;

  constructor(
    private readonly hub: HubShared,
    private readonly request: PollRequest,
  ) {
    this.unsubscribe = hub.store.subscribe(request.room, (signal) => this.onSignal(signal));
    this.onClose = this.onClose.bind(this);
  }

  hold(opened: OpenPoll, closing: boolean): Promise<PollResponse> {
    this.opened = true;
    this.participant = opened.participant;
    this.leaseId = opened.leaseId;
    this.lease = Number(opened.leaseId);
    this.empty = opened.reset ? { events: [], cursor: opened.cursor, reset: true } : { events: [], cursor: opened.cursor };
    // After a reset the client's cursor is no position to count from: wake-ups read.
    this.knownTo = opened.reset ? undefined : parseCursor(opened.cursor);
    const answer = new Promise<PollResponse>((resolve) => (this.resolve = resolve));
    const { connection, holdMs } = this.request;
    const newer = this.earlyLeases?.get(opened.participant);
    this.earlyLeases = undefined;
    if (opened.events.length > 0) this.settle({ ...this.empty, events: opened.events }, 'events');
    else if (newer !== undefined && newer > this.lease) this.settleEmpty('replaced');
    else if (connection.destroyed) this.settleEmpty('aborted');
    else if (closing) this.settleEmpty('shutdown');
    else if (holdMs <= 0) this.settleEmpty('timeout');
    else {
      this.hub.held.add(this);
      // on(), not once(): settle() removes it on every path, and once() costs two more objects per held poll.
      connection.on('close', this.onClose);
      this.holdTimer = this.hub.timers.setTimeout(() => this.settleEmpty('timeout'), holdMs);
      this.takeHeard();
    }
    return answer;
  }

  settleEmpty(end: PollEnd): void {
    this.settle(this.empty, end);
  }

  private onClose(): void {
    if (!this.request.connection.writableFinished) this.settleEmpty('aborted');
  }

  private onSignal(signal: RoomSignal): void {
    if (signal.type === 'events') {
      if (this.settled) return;
      if (signal.events === undefined) this.pending = true;
      else {
        this.heard.push(...signal.events);
        this.heardBytes += signal.bytes;
      }
      if (this.opened && !this.reading) this.takeHeard();
    } else if (!this.opened) {
      // A newer poll's signal can overtake this one's open reply: remember it for hold().
      this.earlyLeases ??= new Map();
      this.earlyLeases.set(signal.participant, Math.max(Number(signal.leaseId), this.earlyLeases.get(signal.participant) ?? 0));
    } else if (signal.participant === this.participant && Number(signal.leaseId) > this.lease) {
      this.settleEmpty('replaced');
    }
  }

  /** Adds what was signalled to what is known, or reads when it does not follow on. */
  private takeHeard(): void {
    const heard = this.heard;
    const bytes = this.heardBytes;
    this.heard = [];
    this.heardBytes = 0;
    if (this.pending || !this.follow(heard, bytes)) this.reread();
    else this.answerKnown();
  }

  /** True when `events` continue the known ones (repeats are dropped) and stay within the poll's limit and byte cap. */
  private follow(events: ChatEvent[], bytes: number): boolean {
    const to = this.knownTo;
    if (to === undefined) return events.length === 0;
    if (events.length > 0) {
      this.knownBytes += bytes;
      if (this.knownBytes > this.hub.maxAnswerBytes) return false;
    }
    for (const event of events) {
      const at = parseCursor(event.id);
      if (at === undefined || at.epoch !== to.epoch || at.seq > to.seq + 1) return false;
      if (at.seq <= to.seq) continue;
      this.known.push(event);
      to.seq = at.seq;
    }
    return this.known.length <= this.request.limit;
  }

  /** Answers with the known events unless they are all the participant's own (those wait for the echo). */
  private answerKnown(): void {
    const first = this.known[0];
    if (first === undefined) return;
    if (!this.onlyOwn(this.known)) this.settleKnown();
    else this.scheduleEcho(first);
  }

  /** Answers what is known, or nothing when a read found it all expired meanwhile. */
  private settleKnown(): void {
    const last = this.known[this.known.length - 1];
    if (last === undefined) this.settleEmpty('timeout');
    else this.settle({ events: this.known, cursor: last.id }, 'events');
  }

  private reread(): void {
    if (this.reading || this.settled) return;
    this.reading = true;
    this.pending = false;
    const { room, cursor, limit } = this.request;
    this.hub.store.read(room, cursor, limit).then(
      (result) => {
        this.reading = false;
        if (result.reset === true) {
          if (result.events.length > 0) this.settle(result, 'events');
          return;
        }
        this.known = result.events;
        this.knownTo = parseCursor(result.cursor);
        // Capped by the store already; what is heard next is counted on top of nothing.
        this.knownBytes = 0;
        this.takeHeard();
      },
      () => {
        this.reading = false; // the store is failing; the timeout answers and the client polls again
      },
    );
  }

  /** Its own leave (a kick, a timeout) is news to the participant: that answers at once. */
  private onlyOwn(events: ChatEvent[]): boolean {
    for (const event of events) if (event.from !== this.participant || event.type === 'leave') return false;
    return true;
  }

  private scheduleEcho(first: ChatEvent): void {
    if (this.echoTimer !== undefined || this.settled) return;
    const delayMs = Math.min(OWN_ECHO_DELAY_MS, (first.expiresAt - first.at) / 2);
    this.echoTimer = this.hub.timers.setTimeout(() => {
      this.echoTimer = undefined;
      this.settleKnown();
    }, delayMs);
  }

  private settle(result: PollResponse, end: PollEnd): void {
    if (this.settled) return;
    this.settled = true;
    const timers = this.hub.timers;
    if (this.holdTimer !== undefined) timers.clearTimeout(this.holdTimer);
    if (this.echoTimer !== undefined) timers.clearTimeout(this.echoTimer);
    this.unsubscribe();
    this.request.connection.off('close', this.onClose);
    this.hub.held.delete(this);
    this.hub.store.closePoll(this.request.room, this.participant, this.leaseId).catch(() => {}); // the lease expires by itself
    this.hub.onEnd(end);
    this.resolve(result);
  }
}
