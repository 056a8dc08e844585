import { createNanoEvents, type Emitter } from 'nanoevents';
import type { JoinResponse, ParticipantInfo, PollResponse, PresenceState, SendResponse, Untimed } from '../protocol.js';
import type { Cursor } from '../domain/cursor.js';
import { RateLimiter } from '../domain/rate-limiter.js';
import type { RegistryOptions } from '../domain/registry-options.js';
import { RoomRegistry } from '../domain/room-registry.js';
import type { OpenPoll, RoomSignal, RoomSnapshot, RoomStore, SharedImage, StoredImage, StoreCounts } from './room-store.js';
import { systemTimers, type Timers } from '../timers.js';

export interface MemoryStoreOptions extends RegistryOptions {
  timers?: Timers;
}

const EVENTS_SIGNAL: RoomSignal = { type: 'events' };

// setTimeout overflows past 2^31 - 1 ms and fires at once; longer waits are re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Rooms in this process's memory: the default, for one dyno. One timer for the whole
 * process, armed at the registry's next deadline, so idle rooms cost nothing.
 */
export class MemoryStore implements RoomStore {
  private readonly registry: RoomRegistry;
  private readonly signals: Emitter<Record<string, (signal: RoomSignal) => void>> = createNanoEvents();
  private readonly timers: Timers;
  private readonly now: () => number;
  private timer: unknown;
  private timerAt: number | undefined;
  private closed = false;
  /** One per limit and window a caller asked for (in practice one: new rooms per address). */
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(options: MemoryStoreOptions) {
    this.registry = new RoomRegistry(options);
    this.timers = options.timers ?? systemTimers;
    this.now = options.now;
  }

  get roomCount(): number {
    return this.registry.roomCount;
  }

  /** Rooms someone listens to: what subscriptions cost in memory (0 once every poll let go). */
  get subscribedRooms(): number {
    return Object.keys(this.signals.events).length;
  }

  async createRoom(room: string, capacity: number): Promise<boolean> {
    return this.runThenWake(() => this.registry.createRoom(room, capacity));
  }

  async getRoom(room: string): Promise<RoomSnapshot | undefined> {
    return this.runThenWake(() => this.registry.getRoom(room));
  }

  async join(room: string, name: string, key?: string): Promise<Untimed<JoinResponse>> {
    return this.runThenWake(() => this.registry.join(room, name, key));
  }

  async kick(room: string, token: string, participant: string): Promise<void> {
    this.runThenWake(() => this.registry.kick(room, token, participant));
  }

  async setLocked(room: string, token: string, locked: boolean): Promise<void> {
    this.runThenWake(() => this.registry.setLocked(room, token, locked));
  }

  async authenticate(room: string, token: string): Promise<ParticipantInfo> {
    return this.runThenWake(() => this.registry.authenticate(room, token));
  }

  async send(room: string, token: string, text: string, seq?: number, gaps?: number[]): Promise<SendResponse> {
    return this.runThenWake(() => this.registry.send(room, token, text, seq, gaps));
  }

  async shareImage(room: string, token: string, image: StoredImage): Promise<SharedImage> {
    const event = this.runThenWake(() => this.registry.shareImage(room, token, image));
    return { id: event.id, expiresAt: event.expiresAt };
  }

  async getImage(room: string, token: string, imageId: string): Promise<StoredImage | undefined> {
    return this.runThenWake(() => this.registry.getImage(room, token, imageId));
  }

  async setPresence(room: string, token: string, state: PresenceState): Promise<void> {
    this.runThenWake(() => this.registry.setPresence(room, token, state));
  }

  async leave(room: string, token: string): Promise<void> {
    this.runThenWake(() => this.registry.leave(room, token));
  }

  async openPoll(room: string, token: string, cursor: Cursor | undefined, holdMs: number, limit: number): Promise<OpenPoll> {
    const opened = this.runThenWake(() => this.registry.openPoll(room, token, cursor, holdMs, limit));
    this.signals.emit(room, { type: 'poll', participant: opened.participant, leaseId: opened.leaseId });
    return opened;
  }

  async read(room: string, cursor: Cursor | undefined, limit: number): Promise<PollResponse> {
    return this.runThenWake(() => this.registry.read(room, cursor, limit));
  }

  async closePoll(room: string, participant: string, leaseId: string): Promise<void> {
    this.runThenWake(() => this.registry.closePoll(room, participant, leaseId));
  }

  subscribe(room: string, listener: (signal: RoomSignal) => void): () => void {
    const off = this.signals.on(room, listener);
    return () => {
      off();
      // nanoevents leaves an empty array behind; without this, every room ever polled keeps a key.
      if (this.signals.events[room]?.length === 0) delete this.signals.events[room];
    };
  }

  async counts(): Promise<StoreCounts> {
    return { rooms: this.registry.roomCount, participants: this.registry.seatCount };
  }

  async takeRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    const name = `${limit}/${windowMs}`;
    let limiter = this.limiters.get(name);
    if (limiter === undefined) this.limiters.set(name, (limiter = new RateLimiter(limit, windowMs)));
    return limiter.take(key, now);
  }

  async healthy(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.disarm();
    this.signals.events = {};
  }

  /** Runs a registry call, then wakes the rooms it (and any sweep inside it) appended to and re-arms the timer. */
  private runThenWake<T>(operation: () => T): T {
    try {
      return operation();
    } finally {
      this.afterWork();
    }
  }

  private afterWork(): void {
    const woken = this.registry.takeWoken();
    if (woken !== undefined) for (const room of woken) this.signals.emit(room, EVENTS_SIGNAL);
    this.arm();
  }

  private arm(): void {
    if (this.closed) return;
    const next = this.registry.nextDeadline();
    if (next === undefined) return this.disarm();
    if (this.timerAt !== undefined && this.timerAt <= next) return;
    this.disarm();
    this.timerAt = next;
    const delayMs = Math.min(Math.max(0, next - this.now()), MAX_TIMER_MS);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.registry.sweep();
      this.afterWork();
    }, delayMs);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}
