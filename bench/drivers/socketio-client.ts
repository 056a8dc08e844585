import { io, type Socket } from 'socket.io-client';
import type { BenchClient, ErrorTally, Participant } from '../bench-client.js';

interface RelayedEvent {
  from: string;
  text: string;
}

interface Ack {
  id?: string;
  error?: string;
}

/** The Socket.IO peer (bench/peer/socketio-server.ts) through socket.io-client on polling only. */
export class SocketIoClient implements BenchClient {
  readonly server = 'socket.io';
  private readonly sockets: Socket[] = [];
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
    for (const socket of this.sockets) {
      socket.removeAllListeners('disconnect');
      socket.disconnect();
    }
  }

  private async join(room: string): Promise<Participant> {
    // forceNew: each participant is its own browser tab with its own engine, not a multiplexed one.
    const socket = io(this.origin, { transports: ['polling'], upgrade: false, forceNew: true, reconnection: false });
    this.sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.on('connect_error', () => this.errors.add('connect_error'));
    socket.on('disconnect', () => this.errors.add('disconnect'));
    const ack = (await socket.emitWithAck('join', room)) as Ack;
    if (ack.id === undefined) throw new Error(`join answered ${ack.error}`);
    return new SocketIoParticipant(socket, ack.id);
  }
}

class SocketIoParticipant implements Participant {
  constructor(
    private readonly socket: Socket,
    readonly id: string,
  ) {}

  async listen(onText: (text: string) => void): Promise<void> {
    this.socket.on('event', (event: RelayedEvent) => {
      if (event.from !== this.id) onText(event.text);
    });
    // Once connected, engine.io keeps a poll in flight: the socket is already held.
  }

  async send(text: string, seq: number): Promise<void> {
    const ack = (await this.socket.emitWithAck('send', { text, seq })) as Ack;
    if (ack.id === undefined) throw new Error(`send answered ${ack.error}`);
  }
}
