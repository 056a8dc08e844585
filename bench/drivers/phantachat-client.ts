import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { CreateRoomResponse, JoinResponse, PollResponse } from '../../server/protocol.js';
import type { BenchClient, ErrorTally, Participant } from '../bench-client.js';

// One held poll plus one send, as a browser tab uses them.
const CONNECTIONS_PER_PARTICIPANT = 2;
// Room creation and joins only; the typing itself goes through each participant's pool.
const SETUP_CONNECTIONS = 16;
// A failed request is retried after this pause, as the real client's first backoff step.
const RETRY_MS = 100;

/** Phantachat's protocol v1 over undici, one small pool per participant. */
export class PhantachatClient implements BenchClient {
  readonly server = 'phantachat';
  private readonly setup: Pool;
  private readonly participants: PhantachatParticipant[] = [];

  constructor(
    private readonly origin: string,
    private readonly errors: ErrorTally,
  ) {
    this.setup = new Pool(origin, { connections: SETUP_CONNECTIONS });
  }

  async openRoom(): Promise<[Participant, Participant]> {
    const { room } = await this.json<CreateRoomResponse>('POST', '/rooms', '{}', 201);
    const a = await this.json<JoinResponse>('POST', `/rooms/${room}/join`, '{"name":"a"}', 201);
    const b = await this.json<JoinResponse>('POST', `/rooms/${room}/join`, '{"name":"b"}', 201);
    const seated: [PhantachatParticipant, PhantachatParticipant] = [
      new PhantachatParticipant(this.origin, room, a, this.errors),
      new PhantachatParticipant(this.origin, room, b, this.errors),
    ];
    this.participants.push(...seated);
    return seated;
  }

  async close(): Promise<void> {
    await Promise.all(this.participants.map((participant) => participant.close()));
    await this.setup.destroy();
  }

  private async json<T>(method: 'POST', path: string, body: string, expected: number): Promise<T> {
    const response = await this.setup.request({ method, path, body, headers: JSON_HEADERS });
    if (response.statusCode !== expected) {
      await response.body.dump();
      throw new Error(`${method} ${path.replace(/[A-Za-z0-9]{12,}/, ':room')} answered ${response.statusCode}`);
    }
    return (await response.body.json()) as T;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' };

class PhantachatParticipant implements Participant {
  readonly id: string;
  private readonly pool: Pool;
  private readonly pollHeaders: Record<string, string>;
  private readonly sendHeaders: Record<string, string>;
  private readonly pollPrefix: string;
  private readonly sendPath: string;
  private cursor: string;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    origin: string,
    room: string,
    joined: JoinResponse,
    private readonly errors: ErrorTally,
  ) {
    this.id = joined.participant;
    this.cursor = joined.cursor;
    this.pool = new Pool(origin, { connections: CONNECTIONS_PER_PARTICIPANT });
    this.pollHeaders = { authorization: `Bearer ${joined.token}` };
    this.sendHeaders = { authorization: `Bearer ${joined.token}`, 'content-type': 'application/json' };
    // Cursors are [0-9A-Za-z_-.] only, so they go into the query unescaped.
    this.pollPrefix = `/rooms/${room}/poll?wait=${joined.holdMs}&cursor=`;
    this.sendPath = `/rooms/${room}/send`;
  }

  listen(onText: (text: string) => void): Promise<void> {
    return new Promise((resolve) => void this.loop(onText, resolve));
  }

  async send(text: string, seq: number): Promise<void> {
    const response = await this.pool.request({
      method: 'POST',
      path: this.sendPath,
      headers: this.sendHeaders,
      body: JSON.stringify({ text, seq }),
    });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`send answered ${response.statusCode}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.pool.destroy();
  }

  private async loop(onText: (text: string) => void, onHeld: () => void): Promise<void> {
    let answers = 0;
    while (!this.closed) {
      try {
        const pending = this.pool.request({ method: 'GET', path: this.pollPrefix + this.cursor, headers: this.pollHeaders, signal: this.abort.signal });
        // The first answer carries the joins at once; the poll sent after it is the one held.
        if (answers === 1) onHeld();
        const response = await pending;
        if (response.statusCode !== 200) {
          await response.body.dump();
          this.errors.add(`poll ${response.statusCode}`);
          await sleep(RETRY_MS);
          continue;
        }
        const answer = (await response.body.json()) as PollResponse;
        answers += 1;
        this.cursor = answer.cursor;
        for (const event of answer.events) {
          if (event.type === 'text' && event.from !== this.id) onText(event.text!);
        }
      } catch {
        if (this.closed) return;
        this.errors.add('poll failed');
        await sleep(RETRY_MS);
      }
    }
  }
}
