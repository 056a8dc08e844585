import { Pool } from 'undici';
import type { ErrorTally } from '../bench-client.js';

// One held GET plus one POST, as engine.io-client's polling transport keeps in flight.
const CONNECTIONS_PER_SOCKET = 2;
// Engine.IO v4 puts many packets in one polling body, separated by the record separator.
const SEPARATOR = '\x1e';
const PATH = '/socket.io/?EIO=4&transport=polling';

interface Handshake {
  sid: string;
  pingInterval: number;
}

/**
 * The Engine.IO v4 long-polling transport (what engine.io-client runs when websockets
 * are off) over one small undici pool: a GET always in flight for what the server
 * sends, at most one POST in flight, packets written meanwhile buffered and flushed
 * together in the next POST, pings answered with pongs, and the cache-busting `t`
 * parameter on every request. It sends the same requests engine.io-client does, at
 * the per-request cost of our own generator, so the peer is not judged by a slow client.
 */
export class EngineIoPolling {
  private readonly writeBuffer: string[] = [];
  private writing = false;
  private closed = false;
  private readonly abort = new AbortController();

  private constructor(
    private readonly pool: Pool,
    readonly sid: string,
    private readonly onMessage: (data: string) => void,
    private readonly errors: ErrorTally,
  ) {}

  /** Handshakes, then keeps a GET in flight; `onMessage` gets each message packet's data. */
  static async open(origin: string, onMessage: (data: string) => void, errors: ErrorTally): Promise<EngineIoPolling> {
    const pool = new Pool(origin, { connections: CONNECTIONS_PER_SOCKET });
    const response = await pool.request({ method: 'GET', path: `${PATH}&t=${cacheBuster()}` });
    const body = await response.body.text();
    if (response.statusCode !== 200 || body[0] !== '0') {
      await pool.destroy();
      throw new Error(`engine.io handshake answered ${response.statusCode}`);
    }
    const handshake = JSON.parse(body.slice(1)) as Handshake;
    const engine = new EngineIoPolling(pool, handshake.sid, onMessage, errors);
    void engine.pollLoop();
    return engine;
  }

  /** Queues one message packet; it goes out with the next POST. */
  send(data: string): void {
    this.write(`4${data}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.pool.destroy();
  }

  private write(packet: string): void {
    this.writeBuffer.push(packet);
    if (!this.writing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.writeBuffer.length > 0 && !this.closed) {
      const body = this.writeBuffer.join(SEPARATOR);
      this.writeBuffer.length = 0;
      try {
        const response = await this.pool.request({
          method: 'POST',
          path: `${PATH}&sid=${this.sid}&t=${cacheBuster()}`,
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          body,
          signal: this.abort.signal,
        });
        await response.body.dump();
        if (response.statusCode !== 200) this.errors.add(`engine.io POST ${response.statusCode}`);
      } catch {
        if (!this.closed) this.errors.add('engine.io POST failed');
      }
    }
    this.writing = false;
  }

  private async pollLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const response = await this.pool.request({ method: 'GET', path: `${PATH}&sid=${this.sid}&t=${cacheBuster()}`, signal: this.abort.signal });
        const body = await response.body.text();
        if (response.statusCode !== 200) {
          this.errors.add(`engine.io GET ${response.statusCode}`);
          return;
        }
        for (const packet of body.split(SEPARATOR)) this.onPacket(packet);
      } catch {
        if (!this.closed) this.errors.add('engine.io GET failed');
        return;
      }
    }
  }

  private onPacket(packet: string): void {
    switch (packet[0]) {
      case '4':
        return this.onMessage(packet.slice(1));
      case '2':
        // The server's heartbeat: a missing pong closes the session after pingTimeout.
        return this.write('3');
      case '6':
        return;
      default:
        this.errors.add(`engine.io packet ${packet[0]}`);
    }
  }
}

/** engine.io-client's `t`: a fresh value per request, so no cache answers a poll. */
function cacheBuster(): string {
  return Date.now().toString(36).slice(3) + Math.random().toString(36).slice(2, 5);
}
