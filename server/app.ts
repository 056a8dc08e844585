import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type { Config } from './config.js';
import { createApiRouter } from './http/api-router.js';
import { errorHandler } from './http/error-handler.js';
import { createHotRoutes, type HotRoutes } from './http/hot-routes.js';
import { HttpError } from './http/http-error.js';
import { PollHub } from './http/poll-hub.js';
import { RoomFactory } from './http/room-factory.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { silentLogger, type Logger } from './logger.js';
import { createPageRouter } from './pages/page-router.js';
import { RoomIds } from './room-ids.js';
import type { RoomStore } from './store/room-store.js';

export interface AppDeps {
  config: Config;
  store: RoomStore;
  logger?: Logger;
  /** Held polls; pass one to be able to shut them down. */
  hub?: PollHub;
  /** The clock for rate limits (the store has its own). */
  now?: () => number;
}

/**
 * Koa, with the two hot routes (poll and send) answered before it: callback(), which
 * listen() and supertest both use, hands every other request to Koa's own.
 */
class PhantachatApp extends Koa {
  constructor(
    proxy: boolean,
    private readonly hotRoutes: HotRoutes,
  ) {
    super({ proxy });
  }

  override callback(): ReturnType<Koa['callback']> {
    const koa = super.callback();
    const hot = this.hotRoutes;
    // This server speaks HTTP/1.1 only (node:http), so the request is always an IncomingMessage.
    return (req, res) => (hot(req as IncomingMessage, res as ServerResponse) ? Promise.resolve() : koa(req, res));
  }
}

/** The Phantachat app as a value: it never listens (server/main.ts does). */
export function createApp({ config, store, logger = silentLogger, hub = new PollHub(store), now = Date.now }: AppDeps): Koa {
  const app = new PhantachatApp(config.trustProxy, createHotRoutes({ config, store, hub, logger }));
  // The client address is the right-most entry of X-Forwarded-For that our own proxies did not
  // write: Heroku's router appends the real address, whatever the client put on the left.
  app.proxy = config.proxyHops > 0;
  app.maxIpsCount = config.proxyHops;
  const roomIds = new RoomIds(config.roomSalt);
  const rooms = new RoomFactory(store, roomIds, config.roomsPerMinute, now);
  const api = createApiRouter({ config, store, roomIds, rooms });
  const pages = createPageRouter({ config, store, roomIds, rooms });

  app.use(requestLog(logger));
  app.use(errorHandler(logger));
  app.use(securityHeaders());
  app.use(async function notFound(ctx, next) {
    await next();
    if (ctx.status === 404 && ctx.body == null) throw new HttpError(404, 'There is nothing at this address.');
  });
  app.use(api.routes());
  const notAllowed = (): HttpError => new HttpError(405, 'This method is not allowed here.');
  app.use(api.allowedMethods({ throw: true, methodNotAllowed: notAllowed, notImplemented: notAllowed }));
  app.use(pages.routes());
  // Errors are answered by errorHandler; Koa's default handler would print them to stderr.
  app.silent = true;
  return app;
}
