import { Pool } from 'undici';
import { ApiClient } from '../client/core/api-client.js';
import { Poller } from '../client/core/poller.js';
import { Sender } from '../client/core/sender.js';
import { Session } from '../client/core/session.js';
import type { CreateRoomResponse } from '../server/protocol.js';
import type { BenchClient, ErrorTally, Participant } from './bench-client.js';
import { undiciIo } from './drivers/undici-io.js';

// One held poll plus one send, as a browser tab uses them (as drivers/phantachat-client.ts).
const CONNECTIONS_PER_PARTICIPANT = 2;
const SETUP_CONNECTIONS = 16;

/**
 * Phantachat's own client (client/core: session, poller, sender) with each room's first
 * participant on the first origin and its second on the last, so with two instances on
 * one Redis every key crosses Redis. With one origin it is drivers/phantachat-client.ts,
 * which seats both on one origin and offers no way to choose; this copies its join
 * rather than editing a driver the main bench depends on.
 */
export class SplitClient implements BenchClient {
  readonly server = 'phantachat';
  private readonly setup: Pool;
  private readonly participants: SplitParticipant[] = [];

  constructor(
    private readonly origins: readonly string[],
    private readonly errors: ErrorTally,
  ) {
    if (origins.length === 0) throw new Error('SplitClient needs an origin');
    this.setup = new Pool(origins[0]!, { connections: SETUP_CONNECTIONS });
  }

  async openRoom(): Promise<[Participant, Participant]> {
    const response = await this.setup.request({ method: 'POST', path: '/rooms', body: '{}', headers: { 'content-type': 'application/json' } });
    if (response.statusCode !== 201) {
      await response.body.dump();
      throw new Error(`POST /rooms answered ${response.statusCode}`);
    }
    const { room } = (await response.body.json()) as CreateRoomResponse;
    const seated: [SplitParticipant, SplitParticipant] = [await this.join(this.origins[0]!, room, 'a'), await this.join(this.origins.at(-1)!, room, 'b')];
    this.participants.push(...seated);
    return seated;
  }

  async close(): Promise<void> {
    await Promise.all(this.participants.map((participant) => participant.close()));
    await this.setup.destroy();
  }

  private async join(origin: string, room: string, name: string): Promise<SplitParticipant> {
    const pool = new Pool(origin, { connections: CONNECTIONS_PER_PARTICIPANT });
    const io = undiciIo(pool, origin);
    const api = new ApiClient(io, origin);
    const session = new Session(api, room);
    const outcome = await session.join(name);
    if (outcome.kind !== 'joined') {
      await pool.destroy();
      throw new Error(`join ended ${outcome.kind}`);
    }
    const sender = new Sender({
      io,
      api,
      seat: session,
      room,
      onEnd: (reason) => this.errors.add(`sender ${reason}`),
      onBacklog: (stalled) => {
        if (stalled) this.errors.add('send failed');
      },
    });
    const { cursor, holdMs } = outcome.join;
    const poller = (onText: (text: string) => void, ready: () => void): Poller =>
      new Poller({
        io,
        api,
        seat: session,
        room,
        cursor,
        holdMs,
        onEvents: (events) => {
          for (const event of events) {
            if (event.type === 'text' && !session.isOwn(event.from) && event.text !== undefined) onText(event.text);
          }
          // The first answer carries the joins at once; the poll sent next is the one held.
          ready();
        },
        onConnection: (state) => {
          if (state === 'reconnecting') this.errors.add('poll failed');
        },
        onEnd: (reason) => this.errors.add(`poller ${reason}`),
      });
    return new SplitParticipant(outcome.join.participant, poller, sender, pool);
  }
}

class SplitParticipant implements Participant {
  private poller: Poller | undefined;

  constructor(
    readonly id: string,
    private readonly makePoller: (onText: (text: string) => void, ready: () => void) => Poller,
    private readonly sender: Sender,
    private readonly pool: Pool,
  ) {}

  listen(onText: (text: string) => void): Promise<void> {
    return new Promise((resolve) => {
      this.poller = this.makePoller(onText, resolve);
      this.poller.start();
    });
  }

  type(key: string): void {
    this.sender.push(key);
  }

  async close(): Promise<void> {
    this.poller?.stop();
    this.sender.stop();
    await this.pool.destroy();
  }
}
