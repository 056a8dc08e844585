import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchClient, ErrorTally, Participant } from '../bench-client.js';
import { EngineIoPolling } from './engine-io-polling.js';

interface RelayedEvent {
  from: string;
  text: string;
}

interface Ack {
  id?: string;
  error?: string;
}

// A failed send is retried after this pause, as client/core's first backoff step (about).
const RETRY_MS = 250;
// Socket.IO v4 packet types (socket.io-parser), carried in Engine.IO message packets.
const CONNECT = '0';
const EVENT = '2';
const ACK = '3';

/**
 * The Socket.IO peer (bench/peer/socketio-server.ts) through the Socket.IO v4 packet
 * format (connect, events, acks) on Engine.IO long-polling, one undici pool per
 * participant, as PhantachatClient runs client/core.
 */
export class SocketIoClient implements BenchClient {
  readonly server = 'socket.io';
  private readonly participants: SocketIoParticipant[] = [];
  private rooms = 0;

  constructor(
    private readonly origin: string,
    private readonly errors: ErrorTally,
  ) {}

  async openRoom(): Promise<[Participant, Participant]> {
    this.rooms += 1;
    const room = `room-${this.rooms}`;
    return [await this.join(room), await this.join(room)];
  }

  async close(): Promise<void> {
    await Promise.all(this.participants.map((p) => p.close()));
  }

  private async join(room: string): Promise<Participant> {
    const participant = new SocketIoParticipant(this.errors);
    this.participants.push(participant);
    await participant.connect(this.origin);
    const ack = await participant.emitWithAck('join', room);
    if (ack.id === undefined) throw new Error(`join answered ${ack.error}`);
    participant.id = ack.id;
    return participant;
  }
}

/**
 * One socket: the emit-with-ack of socket.io-client, and a sender like client/core's
 * (one send in flight until acknowledged, keys typed meanwhile coalesced into the next
 * batch with the next `seq`, a failed batch retried with the same `seq`).
 */
class SocketIoParticipant implements Participant {
  id = '';
  private engine: EngineIoPolling | undefined;
  private connected: (() => void) | undefined;
  private readonly acks = new Map<number, (ack: Ack) => void>();
  private nextAckId = 0;
  private onText: (text: string) => void = () => {};
  private pending = '';
  private sending = false;
  private nextSeq = 1;
  private closed = false;

  constructor(private readonly errors: ErrorTally) {}

  async connect(origin: string): Promise<void> {
    const connected = new Promise<void>((resolve) => (this.connected = resolve));
    this.engine = await EngineIoPolling.open(origin, (data) => this.onPacket(data), this.errors);
    this.engine.send(CONNECT);
    await connected;
  }

  emitWithAck(event: string, data: unknown): Promise<Ack> {
    const id = this.nextAckId++;
    return new Promise((resolve) => {
      this.acks.set(id, resolve);
      this.engine!.send(`${EVENT}${id}${JSON.stringify([event, data])}`);
    });
  }

  async listen(onText: (text: string) => void): Promise<void> {
    this.onText = onText;
    // Once connected, the transport keeps a GET in flight: the socket is already held.
  }

  type(key: string): void {
    this.pending += key;
    if (!this.sending) void this.drain();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.engine?.close();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.pending !== '' && !this.closed) {
      const text = this.pending;
      this.pending = '';
      const seq = this.nextSeq++;
      while (!this.closed) {
        const ack = await this.emitWithAck('send', { text, seq });
        if (ack.id !== undefined) break;
        this.errors.add('send failed');
        await sleep(RETRY_MS);
      }
    }
    this.sending = false;
  }

  private onPacket(data: string): void {
    const type = data[0];
    if (type === CONNECT) return this.connected?.();
    if (type === EVENT) {
      const [name, event] = JSON.parse(data.slice(1)) as [string, RelayedEvent];
      if (name === 'event' && event.from !== this.id) this.onText(event.text);
      return;
    }
    if (type === ACK) {
      const open = data.indexOf('[');
      const id = Number(data.slice(1, open));
      const [ack] = JSON.parse(data.slice(open)) as [Ack];
      const resolve = this.acks.get(id);
      this.acks.delete(id);
      return resolve?.(ack);
    }
    this.errors.add(`socket.io packet ${type}`);
  }
}
