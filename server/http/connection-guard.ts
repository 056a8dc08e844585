import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Middleware } from 'koa';
import type { HostileClientLimits } from '../config.js';
import type { Logger } from '../logger.js';
import { HttpError } from './http-error.js';

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
 * The guard answers nothing itself: a shed socket's request still runs the one Koa pipeline,
 * where `shedOverflow` answers it 503 through the error funnel.
 */
export class ConnectionGuard {
  private readonly sockets = new Map<Socket, Tracked>();
  private readonly counts = new Map<string, { admitted: number; shed: number }>();
  private admitted = 0;
  private shed = 0;
  private readonly perAddressCap: number;
  private readonly shedTotalCap: number;
  private readonly shedPerAddressCap: number;

  constructor(private readonly options: ConnectionGuardOptions) {
    this.perAddressCap = options.proxyHops > 0 ? Infinity : options.maxConnectionsPerAddress;
    this.shedTotalCap = Math.ceil(options.maxConnections * SHED_SHARE);
    this.shedPerAddressCap = Math.ceil(this.perAddressCap * SHED_SHARE);
  }

  /** Watches the server's sockets and requests (it answers none: the app does). */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.accept(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  /** True for a request on a socket over the caps: the app answers it 503 and closes it. */
  isShed(req: IncomingMessage): boolean {
    return this.sockets.get(req.socket)?.admission === 'shed';
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

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const tracked = this.sockets.get(req.socket);
    if (tracked?.firstRequest !== undefined) {
      clearTimeout(tracked.firstRequest);
      tracked.firstRequest = undefined;
    }
    this.armWriteDeadline(res);
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

/**
 * The answer to a request on a shed socket (ConnectionGuard), first after the error funnel:
 * 503 + Retry-After and the connection closed, before any route or body work.
 */
export function shedOverflow(guard: Pick<ConnectionGuard, 'isShed'>): Middleware {
  return function refuseShedConnections(ctx, next) {
    if (!guard.isShed(ctx.req)) return next();
    ctx.req.resume();
    throw new HttpError(503, 'This server has too many connections open; try again in a few seconds.', {
      'Retry-After': String(SHED_RETRY_AFTER_S),
      Connection: 'close',
    });
  };
}
