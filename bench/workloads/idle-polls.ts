import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../concurrency.js';
import type { Contender } from '../contenders.js';
import { summarize, type Summary } from '../stats.js';
import { DeliveryLog } from '../typist.js';
import { clientOutcome, openWindow, runLabel, withClient, type ClientOutcome, type RunLabel, type RunStart } from './measured-run.js';
import { openRooms } from './rooms.js';

export interface IdlePollsWorkload {
  workload: string;
  /** Rooms of two, each participant holding one poll. */
  rooms: number;
  /** Rooms that then get one key each. */
  wakeRooms: number;
  /**
   * Pause before each RSS sample, so startup garbage and the setup phase's allocations
   * settle (2 s is plenty for either server; the smoke test, which reads no figure, uses less).
   */
  settleMs: number;
}

export interface IdlePollsResult extends RunLabel, ClientOutcome {
  heldPolls: number;
  rssIdleMb: number;
  rssHeldMb: number;
  rssPerHeldPollKb: number;
  wakeKeys: number;
  wakeDeliveredPct: number;
  wakeLatencyMs: Summary;
  duplicates: number;
}

const WAKE_TIMEOUT_MS = 5_000;

/** Many held polls and nothing typed: what a held poll costs, then how fast one key wakes one. */
export function runIdlePolls(contender: Contender, load: IdlePollsWorkload, start: RunStart): Promise<IdlePollsResult> {
  return withClient(contender, start, async ({ server, client, errors }) => {
    await sleep(load.settleMs);
    const idle = await server.memory();
    const log = new DeliveryLog(errors);
    const rooms = await openRooms(client, load.rooms, log);
    // Watched from here: the held RSS and the wake both count, and a window of a few
    // milliseconds (the wake alone) is too short for /proc's 10 ms ticks.
    const closeWindow = await openWindow(server);
    await sleep(load.settleMs);
    const held = await server.memory();
    for (const room of rooms.slice(0, load.wakeRooms)) room.a.press();
    await waitFor(() => log.keysDelivered >= log.keysPressed, WAKE_TIMEOUT_MS);
    const window = await closeWindow();

    const heldPolls = load.rooms * 2;
    return {
      ...runLabel(load.workload, contender, start),
      heldPolls,
      rssIdleMb: idle.rssBytes / 2 ** 20,
      rssHeldMb: held.rssBytes / 2 ** 20,
      rssPerHeldPollKb: (held.rssBytes - idle.rssBytes) / heldPolls / 1024,
      wakeKeys: log.keysPressed,
      wakeDeliveredPct: log.keysPressed === 0 ? 0 : (log.keysDelivered / log.keysPressed) * 100,
      wakeLatencyMs: summarize(log.latenciesMs),
      duplicates: log.duplicates,
      ...clientOutcome(errors, window),
    };
  });
}
