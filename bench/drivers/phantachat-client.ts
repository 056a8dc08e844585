import { Pool } from 'undici';
import { ApiClient } from '../../client/core/api-client.js';
import type { Io } from '../../client/core/io.js';
import { Poller } from '../../client/core/poller.js';
import { Sender } from '../../client/core/sender.js';
import { Session } from '../../client/core/session.js';
import type { CreateRoomResponse } from '../../server/protocol.js';
import type { BenchClient, ErrorTally, Participant } from '../bench-client.js';
import { undiciIo } from './undici-io.js';

// One held poll plus one send, as a browser tab uses them.
const CONNECTIONS_PER_PARTICIPANT = 2;
// Room creation only; joins and typing go through each participant's own pool.
const SETUP_CONNECTIONS = 16;

/**
 * Phantachat's protocol through client/core, the browser's and the terminal's own
 * session, poller and sender, on one small undici pool per participant. It speaks to
 * Phantachat and to the floor server alike (`server` names which, for the reports).
 * Given several origins, each room's first participant joins the first and its second
 * the last (bench/redis-compare.ts: two instances, so every key crosses Redis).
 */
export class PhantachatClient implements BenchClient {
  private readonly setup: Pool;
  private readonly participants: CoreParticipant[] = [];
  private readonly origins: readonly string[];

  constructor(
    readonly server: string,
    origins: string | readonly string[],
    private readonly errors: ErrorTally,
  ) {
    this.origins = typeof origins === 'string' ? [origins] : origins;
    if (this.origins.length === 0) throw new Error('PhantachatClient needs an origin');
    this.setup = new Pool(this.origins[0]!, { connections: SETUP_CONNECTIONS });
  }

  async openRoom(): Promise<[Participant, Participant]> {
    const response = await this.setup.request({ method: 'POST', path: '/rooms', body: '{}', headers: { 'content-type': 'application/json' } });
    if (response.statusCode !== 201) {
      await response.body.dump();
      throw new Error(`POST /rooms answered ${response.statusCode}`);
    }
    const { room } = (await response.body.json()) as CreateRoomResponse;
    const seated: [CoreParticipant, CoreParticipant] = [await this.join(this.origins[0]!, room, 'a'), await this.join(this.origins.at(-1)!, room, 'b')];
    this.participants.push(...seated);
    return seated;
  }

  async close(): Promise<void> {
    await Promise.all(this.participants.map((participant) => participant.close()));
    await this.setup.destroy();
  }

  private async join(origin: string, room: string, name: string): Promise<CoreParticipant> {
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
    return new CoreParticipant(outcome.join.participant, { io, api, session, room, cursor: outcome.join.cursor, holdMs: outcome.join.holdMs }, sender, pool, this.errors);
  }
}

interface PollSetup {
  io: Io;
  api: ApiClient;
  session: Session;
  room: string;
  cursor: string;
  holdMs: number;
}

class CoreParticipant implements Participant {
  private poller: Poller | undefined;

  constructor(
    readonly id: string,
    private readonly setup: PollSetup,
    private readonly sender: Sender,
    private readonly pool: Pool,
    private readonly errors: ErrorTally,
  ) {}

  listen(onText: (text: string) => void): Promise<void> {
    const { io, api, session, room, cursor, holdMs } = this.setup;
    return new Promise((resolve) => {
      this.poller = new Poller({
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
          // The first answer carries the joins at once; the poll the poller sends next is the one held.
          resolve();
        },
        onConnection: (state) => {
          if (state === 'reconnecting') this.errors.add('poll failed');
        },
        onEnd: (reason) => this.errors.add(`poller ${reason}`),
      });
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
