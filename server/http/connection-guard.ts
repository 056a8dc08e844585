import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HostileClientLimits } from '../config.js';
import type { Logger } from '../logger.js';
import { COMMON_SECURITY_HEADERS } from './security-headers.js';

export type ConnectionGuardOptions = Pick<HostileClientLimits, 'maxConnections' | 'maxConnectionsPerAddress' | 'firstRequestTimeoutMs' | 'writeTimeoutMs' | 'proxyHops'> & {
  logger: Logger;
};

// Past the caps, this many more sockets (a quarter of each cap) are still answered 503 before
// being closed, so a client learns why; beyond that a socket is closed the moment it arrives.
const SHED_SHARE = 0.25;
// A shed socket is kept only long enough to read its first request and answer it.
const SHED_GRACE_MS = 2_000;
// What a shed client is told to wait: long enough for held connections to turn over.
const SHED_RETRY_AFTER_S = 5;
const SHED_BODY = JSON.stringify({ error: 'This server has too many connections open; try again in a few seconds.' });

type Admission = 'admitted' | 'shed';

interface Tracked {
  readonly address: string;
  readonly admission: Admission;
  /** Until the first request arrives: the first-request deadline. */
  firstRequest: NodeJS.Timeout | undefined;
}

/**
 * Connection limits at the socket, before any HTTP is parsed, so one client address cannot
 * hold the process's file descriptors (issue 9): caps on open connections per address and
 * in total, a first-request deadline far shorter than the 95 s keep-alive Heroku needs,
 * 503 + Retry-After for what is shed, and a write deadline that cuts a client that does not
 * read its answer, freeing its buffers. Behind a proxy (proxyHops > 0) every socket comes
 * from the proxy, so the per-address cap is off there: the proxy holds the slow clients.
 */
export class ConnectionGuard {
  private readonly sockets = new Map<Socket, Tracked>();
  private readonly counts = new Map<string, { admitted: number; shed: number }>();
  private admitted = 0;
  private shed = 0;
  private readonly perAddressCap: number;
  private readonly shedTotalCap: number;
  private readonly shedPerAddressCap: number;

  constructor(
    server: Server,
    private readonly options: ConnectionGuardOptions,
  ) {
    this.perAddressCap = options.proxyHops > 0 ? Infinity : options.maxConnectionsPerAddress;
    this.shedTotalCap = Math.ceil(options.maxConnections * SHED_SHARE);
    this.shedPerAddressCap = Math.ceil(this.perAddressCap * SHED_SHARE);
    server.on('connection', (socket: Socket) => this.accept(socket));
    // The guard answers shed requests itself; every other request goes on to the app, unchanged.
    const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.onRequest(req, res)) for (const listener of listeners) listener.call(server, req, res);
    });
  }

  /** Open sockets: admitted and being shed. */
  get open(): { admitted: number; shed: number } {
    return { admitted: this.admitted, shed: this.shed };
  }

  private accept(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const count = this.counts.get(address) ?? { admitted: 0, shed: 0 };
    let admission: Admission;
    if (count.admitted < this.perAddressCap && this.admitted < this.options.maxConnections) admission = 'admitted';
    else if (count.shed < this.shedPerAddressCap && this.shed < this.shedTotalCap) admission = 'shed';
    else {
      socket.destroy();
      return;
    }
    count[admission] += 1;
    this.counts.set(address, count);
    if (admission === 'admitted') this.admitted += 1;
    else this.shed += 1;
    const deadlineMs = admission === 'shed' ? Math.min(SHED_GRACE_MS, this.options.firstRequestTimeoutMs) : this.options.firstRequestTimeoutMs;
    const firstRequest = setTimeout(() => socket.destroy(), deadlineMs);
    firstRequest.unref();
    this.sockets.set(socket, { address, admission, firstRequest });
    socket.once('close', () => this.release(socket));
  }

  /** True when the app should answer; false when the guard answered (shed). */
  private onRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const tracked = this.sockets.get(req.socket);
    if (tracked?.firstRequest !== undefined) {
      clearTimeout(tracked.firstRequest);
      tracked.firstRequest = undefined;
    }
    this.armWriteDeadline(res);
    if (tracked?.admission !== 'shed') return true;
    req.resume();
    res.writeHead(503, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(SHED_BODY),
      'Retry-After': String(SHED_RETRY_AFTER_S),
      'Cache-Control': 'no-store',
      Connection: 'close',
      ...COMMON_SECURITY_HEADERS,
    });
    res.end(SHED_BODY);
    return false;
  }

  /** From the moment the answer is complete until it has left the process, at most writeTimeoutMs. */
  private armWriteDeadline(res: ServerResponse): void {
    let timer: NodeJS.Timeout | undefined;
    const clear = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    res.once('prefinish', () => {
      if (res.writableFinished) return;
      timer = setTimeout(() => {
        timer = undefined;
        this.options.logger.log('warn', 'write deadline', { pendingBytes: res.socket?.writableLength ?? 0 });
        res.socket?.destroy();
      }, this.options.writeTimeoutMs);
      timer.unref();
    });
    res.once('finish', clear);
    res.once('close', clear);
  }

  private release(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (tracked === undefined) return;
    this.sockets.delete(socket);
    if (tracked.firstRequest !== undefined) clearTimeout(tracked.firstRequest);
    const count = this.counts.get(tracked.address);
    if (count !== undefined) {
      count[tracked.admission] -= 1;
      if (count.admitted === 0 && count.shed === 0) this.counts.delete(tracked.address);
    }
    if (tracked.admission === 'admitted') this.admitted -= 1;
    else this.shed -= 1;
  }
}
