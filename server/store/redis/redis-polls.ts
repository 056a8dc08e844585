import type { PollResponse } from '../../protocol.js';
import { formatCursor, type Cursor } from '../../domain/cursor.js';
import type { Timers } from '../../timers.js';
import type { OpenPoll } from '../room-store.js';
import { PollLeases } from './poll-leases.js';
import { cursorArgs, ok, readResult, strings } from './replies.js';
import type { RoomChannels } from './room-channels.js';
import type { ScriptRunner } from './script-runner.js';
import * as scripts from './scripts.js';

// A poll that follows its lease's previous one here is held with no Redis call for this long
// after the lease was opened in Redis: the open writes presence this much ahead, so it covers
// the polls carried on. Then one poll open in about 25 goes to Redis in a busy room; the cost
// is that the participants of an instance that dies mid-poll leave up to 5 s later, and never
// later than a third of the presence timeout past their time.
const CARRY_ON_MS = 5_000;
const CARRY_ON_PRESENCE_SHARE = 1 / 3;

export interface RedisPollsOptions {
  now: () => number;
  timers: Timers;
  /** How long a poll's close waits to be made moot (PollLeases); 0 sends it at once and carries nothing on. */
  graceMs: number;
  presenceTimeoutMs: number;
  unstableAfterMs?: number;
  /** The answer byte cap for the read scripts. */
  maxAnswerBytes: number;
  /** Tells this process's leases from other instances' (openPoll signals only those). */
  instanceId: string;
  /** True while both connections to Redis are up. */
  connected: () => boolean;
}

/**
 * Polls on Redis: a lease opened (or carried on, see PollLeases) for each, the reads after
 * wake-ups, and the closes that end them. The caller subscribed to the room before opening.
 */
export class RedisPolls {
  readonly leases: PollLeases;
  /** CARRY_ON_MS, or 0 when closes are sent at once (nothing is carried on then). */
  private readonly carryOnMs: number;
  private closing = false;

  constructor(
    private readonly runner: ScriptRunner,
    private readonly channels: RoomChannels,
    private readonly options: RedisPollsOptions,
  ) {
    this.leases = new PollLeases(options.graceMs, options.timers);
    this.carryOnMs = options.graceMs > 0 ? Math.min(CARRY_ON_MS, Math.floor(options.presenceTimeoutMs * CARRY_ON_PRESENCE_SHARE)) : 0;
  }

  /** `tokenHash`: the participant's token as Redis knows it. */
  async open(room: string, tokenHash: string, cursor: Cursor | undefined, holdMs: number, limit: number): Promise<OpenPoll> {
    const carried = this.carryOn(room, tokenHash, cursor, holdMs);
    if (carried !== undefined) return carried;
    // The caller subscribed before calling; its SUBSCRIBE must be in force before the read.
    await this.channels.ready(room);
    const head = this.channels.head(room);
    const mark = head?.mark();
    const openedAt = this.options.now();
    const at = cursorArgs(cursor);
    const presenceHoldMs = holdMs + this.carryOnMs;
    const reply = strings(await this.runner.room(scripts.openPollScript, room, tokenHash, at.epoch, at.seq, presenceHoldMs, limit, this.options.maxAnswerBytes, this.options.instanceId));
    const [participant, leaseId, epoch, seq] = ok(reply) as [string, string, string, string];
    // The run this read is part of: a lease opened in no run (or in one that broke since) is never carried on.
    const run = mark === undefined ? undefined : head?.based(mark, epoch, Number(seq));
    // The script signals other instances only; older polls held here give way through this,
    // and the closes they file as they settle are then dropped with any waiting one.
    this.channels.dispatchLocal(room, { type: 'poll', participant, leaseId });
    const result = { ...readResult(reply.slice(3), cursor, this.options.now()), participant, leaseId };
    // Recorded once nothing can throw, so every lease recorded has a poll whose close ends it.
    if (!this.closing) {
      const own = { id: Number(leaseId), participant, tokenKey: `${room} ${tokenHash}`, coveredUntil: openedAt + presenceHoldMs, run: run ?? -1 };
      this.leases.opened(`${room} ${participant}`, own);
    }
    return result;
  }

  /**
   * The token's next poll, held on its current lease with no Redis call (see PollLeases) when
   * its cursor is the room's newest event as this instance's signals tell it: so nothing new
   * is there to answer, and whatever comes next will be signalled.
   */
  private carryOn(room: string, tokenHash: string, cursor: Cursor | undefined, holdMs: number): OpenPoll | undefined {
    // Redis away: nothing carries on (the poll answers 503 like every call), and the signals missed meanwhile break every head.
    if (cursor === undefined || this.closing || !this.options.connected()) return undefined;
    const known = this.channels.head(room)?.known;
    if (known === undefined || known.epoch !== cursor.epoch || known.seq !== cursor.seq) return undefined;
    const carried = this.leases.carryOn(`${room} ${tokenHash}`, this.options.now(), holdMs, known.run);
    return carried === undefined ? undefined : { events: [], cursor: formatCursor(cursor), ...carried };
  }

  async read(room: string, cursor: Cursor | undefined, limit: number): Promise<PollResponse> {
    // A reread after a resubscription must see what the new subscription will not signal.
    await this.channels.ready(room);
    const at = cursorArgs(cursor);
    const reply = strings(await this.runner.room(scripts.readScript, room, at.epoch, at.seq, limit, this.options.maxAnswerBytes));
    ok(reply);
    return readResult(reply.slice(1), cursor, this.options.now());
  }

  /** See PollLeases: sent after a grace unless the participant's next poll makes it moot. */
  async close(room: string, participant: string, leaseId: string): Promise<void> {
    const endedAt = this.options.now();
    if (this.closing) return this.sendClose(room, participant, leaseId, endedAt);
    this.leases.wait(`${room} ${participant}`, Number(leaseId), () => this.sendClose(room, participant, leaseId, endedAt));
  }

  /** Shutdown: closes still waiting are sent now (each shortens a lease that would otherwise hold the seat a poll's length), later ones at once. */
  async flush(): Promise<void> {
    this.closing = true;
    await this.leases.flush();
  }

  /** Never rejects: a lease that cannot be shortened simply runs its course. */
  private async sendClose(room: string, participant: string, leaseId: string, endedAt: number): Promise<void> {
    const unstableAfterMs = this.options.unstableAfterMs ?? '';
    await this.runner.room(scripts.closePollScript, room, participant, leaseId, unstableAfterMs, endedAt).catch(() => {});
  }
}
