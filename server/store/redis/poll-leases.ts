import type { Timers } from '../../timers.js';

/** A lease this instance opened in Redis, as long as it may be the seat's current one. */
interface OwnLease {
  id: number;
  participant: string;
  /** "<room> <token hash>": how the participant's next poll finds it. */
  tokenKey: string;
  /** Store-clock moment up to which the presence written at the open covers a poll's hold. */
  coveredUntil: number;
  /** The room's signal run it was opened in (RoomChannels.head); another run means something may have been missed. */
  run: number;
}

interface Waiting {
  lease: number;
  timer: unknown;
  send: () => Promise<void>;
}

interface Entry {
  own?: OwnLease;
  waiting?: Waiting;
}

/** What a poll carried on without Redis holds: the lease it carries on. */
export interface CarriedLease {
  participant: string;
  leaseId: string;
}

/**
 * This instance's poll leases, by "<room> <participant>".
 *
 * Closes wait out a grace. A client polls again within a round trip of its answer, and that
 * poll makes the close of the one before moot; so a close waits `graceMs` and is dropped when
 * a newer lease of the participant opens meanwhile, here or on another instance (its 'poll'
 * signal). When it is sent, the script counts presence from when the poll ended (the caller
 * captures that moment), as if it had been sent at once. A grace of 0 sends at once (manual
 * clocks in tests) and carries nothing on.
 *
 * A poll that comes while its lease's close still waits is the same client polling on: it
 * may carry the lease on with no Redis call at all (`carryOn`), as long as the presence
 * written at the lease's open covers its hold and the room's signal run has not broken since (RoomHead).
 */
export class PollLeases {
  private readonly entries = new Map<string, Entry>();
  private readonly byToken = new Map<string, string>();

  constructor(
    private readonly graceMs: number,
    private readonly timers: Timers,
  ) {}

  /** A lease opened in Redis by this instance; older leases of the participant, and their closes, are moot. */
  opened(key: string, lease: OwnLease): void {
    this.drop(key, lease.id);
    if (this.graceMs <= 0) return;
    const entry = this.entry(key);
    if (entry.own !== undefined && entry.own.id >= lease.id) return;
    this.forgetOwn(entry);
    entry.own = lease;
    this.byToken.set(lease.tokenKey, key);
  }

  /** The poll of `lease` ended: its close is sent after the grace unless made moot. */
  wait(key: string, lease: number, send: () => Promise<void>): void {
    if (this.graceMs <= 0) {
      void send();
      return;
    }
    this.dropWaiting(key, lease + 1);
    const entry = this.entry(key);
    // A newer lease's close is already waiting: this one is moot.
    if (entry.waiting !== undefined) return;
    const timer = this.timers.setTimeout(() => {
      entry.waiting = undefined;
      // Sent: the lease ends in Redis, so nothing may carry it on.
      if (entry.own?.id === lease) this.forgetOwn(entry);
      this.tidy(key, entry);
      void send();
    }, this.graceMs);
    entry.waiting = { lease, timer, send };
  }

  /**
   * Carries the token's lease on for a poll held until `now + holdMs`, when its close is
   * waiting, the written presence covers the hold, and the room's signal run is `run`.
   */
  carryOn(tokenKey: string, now: number, holdMs: number, run: number): CarriedLease | undefined {
    const key = this.byToken.get(tokenKey);
    const entry = key === undefined ? undefined : this.entries.get(key);
    const own = entry?.own;
    if (entry === undefined || own === undefined || entry.waiting?.lease !== own.id) return undefined;
    if (own.run !== run || now + holdMs > own.coveredUntil) return undefined;
    this.timers.clearTimeout(entry.waiting.timer);
    entry.waiting = undefined;
    return { participant: own.participant, leaseId: String(own.id) };
  }

  /** A lease `lease` opened (here or on another instance): older leases of `key` and their closes are moot. */
  drop(key: string, lease: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.dropWaiting(key, lease);
    if (entry.own !== undefined && entry.own.id < lease) this.forgetOwn(entry);
    this.tidy(key, entry);
  }

  /** Sends every waiting close now (shutdown); nothing is carried on after. */
  async flush(): Promise<void> {
    const all: Waiting[] = [];
    for (const entry of this.entries.values()) if (entry.waiting !== undefined) all.push(entry.waiting);
    this.entries.clear();
    this.byToken.clear();
    for (const waiting of all) this.timers.clearTimeout(waiting.timer);
    await Promise.all(all.map((waiting) => waiting.send()));
  }

  /** Leases and closes tracked: each is a held poll's or a waiting close's, so this stays bounded by them. */
  get size(): number {
    return this.entries.size;
  }

  private dropWaiting(key: string, lease: number): void {
    const entry = this.entries.get(key);
    const waiting = entry?.waiting;
    if (entry === undefined || waiting === undefined || waiting.lease >= lease) return;
    this.timers.clearTimeout(waiting.timer);
    entry.waiting = undefined;
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {};
      this.entries.set(key, entry);
    }
    return entry;
  }

  private forgetOwn(entry: Entry): void {
    if (entry.own !== undefined) this.byToken.delete(entry.own.tokenKey);
    entry.own = undefined;
  }

  private tidy(key: string, entry: Entry): void {
    if (entry.own === undefined && entry.waiting === undefined) this.entries.delete(key);
  }
}
