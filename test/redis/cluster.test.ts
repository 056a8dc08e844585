import { afterEach, describe, expect, it } from 'vitest';
import { formatCursor, parseCursor } from '../../server/domain/cursor.js';
import { redisUrl } from '../support/stores.js';
import { eventually, startInstance, stopInstance, watchPolls, type Instance } from './instances.js';

describe.skipIf(redisUrl === undefined)('server/main.ts with REDIS_URL and WEB_CONCURRENCY=2', () => {
  let primary: Instance | undefined;
  afterEach(async () => {
    await stopInstance(primary);
  });

  it('serves from two workers and, on SIGTERM, answers held polls and exits within 10 s', async () => {
    primary = await startInstance(redisUrl!, { WEB_CONCURRENCY: '2', POLL_HOLD_MS: '20000', ROOM_IDLE_MS: '5000' });
    const listening = () => primary!.lines.filter((line) => line.includes('"listening"'));
    await eventually(async () => expect(listening()).toHaveLength(2));
    const pids = new Set(listening().map((line) => JSON.parse(line).pid as number));
    expect(pids.size).toBe(2);

    // Rooms made by either worker are valid on the other: they share one ROOM_SALT.
    const room = await primary.api.createRoom(8);
    const seats = await Promise.all(Array.from({ length: 8 }, (_, i) => primary!.api.join(room, `p${i}`)));
    // Each join's cursor is the room's newest event before it: the newest of them, plus the last join, is now.
    const joins = seats.map((seat) => parseCursor(seat.cursor)!);
    const now = formatCursor({ epoch: joins[0]!.epoch, seq: Math.max(...joins.map((join) => join.seq)) + 1 });
    const watch = await watchPolls(redisUrl!, room);
    // Each seat's first poll: it opens its lease in Redis, where the watch sees it.
    const held = seats.map((seat) => primary!.api.poll(room, seat.token, now));
    for (const seat of seats) await watch.held(seat.participant);
    watch.close();

    const signalled = Date.now();
    primary.child.kill('SIGTERM');
    const answers = await Promise.all(held);
    expect(answers.map((answer) => answer.events)).toEqual(seats.map(() => []));
    const exit = await primary.exited;
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    expect(primary.lines.filter((line) => line.includes('"shutdown"'))).toHaveLength(2);
  }, 30_000); // two workers start in it: 9 s measured on a loaded two-core machine
});
