import type { BenchClient } from '../bench-client.js';
import { mapLimit } from '../concurrency.js';
import { Typist, type DeliveryLog } from '../typist.js';

// Rooms are opened this many at a time: fast, without a connect storm either server would choke on.
const OPEN_CONCURRENCY = 50;

export interface Room {
  a: Typist;
  b: Typist;
}

/** Opens `count` rooms of two typists, each listening to the other; resolves once every receive loop is held. */
export async function openRooms(client: BenchClient, count: number, log: DeliveryLog): Promise<Room[]> {
  return mapLimit(count, OPEN_CONCURRENCY, async () => {
    const [pa, pb] = await client.openRoom();
    const a = new Typist(pa, log);
    const b = new Typist(pb, log);
    await Promise.all([pa.listen((text) => b.received(text)), pb.listen((text) => a.received(text))]);
    return { a, b };
  });
}
