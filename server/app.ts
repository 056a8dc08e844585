import Koa from 'koa';
import type { Config } from './config.js';
import { ByteBudget } from './domain/byte-budget.js';
import { apiDispatch, nothingHere } from './http/api-dispatch.js';
import { createApiRoutes } from './http/api-routes.js';
import { shedOverflow, type ConnectionGuard } from './http/connection-guard.js';
import { errorHandler } from './http/error-handler.js';
import { PollHub } from './http/poll-hub.js';
import { RoomFactory } from './http/room-factory.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { silentLogger, type Logger } from './logger.js';
import { createMetricsRouter } from './metrics/metrics-router.js';
import { noopMetrics, type Metrics } from './metrics/metrics.js';
import { requestMetrics } from './metrics/request-metrics.js';
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
  /** What the app reports to operators; GET /metrics is served only with config.metricsToken set. */
  metrics?: Metrics;
  /** Connection caps (server/main.ts); their overflow is answered 503 here. */
  guard?: Pick<ConnectionGuard, 'isShed'>;
  /** PROCESS_IMAGE_BYTES; pass the memory store's own so live images and uploads share it. */
  imageBudget?: ByteBudget;
}

/**
 * The Phantachat app as a value: a plain Koa app (it never listens; server/main.ts does).
 * Every request, poll and send included, runs this one middleware chain, so whatever a
 * deployer puts in front (`app.middleware.unshift(fn)`: CORS, metrics, a request id) sees all.
 */
export function createApp({ config, store, logger = silentLogger, metrics = noopMetrics, hub = new PollHub(store, { onEnd: (end) => metrics.pollEnded(end), maxAnswerBytes: config.pollMaxBytes }), now = Date.now, imageBudget = new ByteBudget(config.processImageBytes), guard }: AppDeps): Koa {
  // The client address is the right-most entry of X-Forwarded-For that our own proxies did not
  // write: Heroku's router appends the real address, whatever the client put on the left.
  const app = new Koa({ proxy: config.proxyHops > 0, maxIpsCount: config.proxyHops });
  const roomIds = new RoomIds(config.roomSalt);
  const rooms = new RoomFactory(store, roomIds, config.roomsPerMinute, now);
  const pages = createPageRouter({ config, store, roomIds, rooms });

  if (metrics.enabled) app.use(requestMetrics(metrics));
  metrics.watch({ heldPolls: () => hub.size, storeCounts: () => store.counts() });
  if (config.logRequests) app.use(requestLog(logger));
  app.use(errorHandler(logger));
  app.use(securityHeaders());
  if (guard !== undefined) app.use(shedOverflow(guard));
  app.use(apiDispatch(createApiRoutes({ config, store, hub, roomIds, rooms, images: { imageBudget, now } })));
  app.use(async function notFound(ctx, next) {
    await next();
    if (ctx.status === 404 && ctx.body == null) throw nothingHere();
  });
  if (config.metricsToken !== undefined) app.use(createMetricsRouter(config.metricsToken, metrics).routes());
  app.use(pages.routes());
  // Errors are answered by errorHandler; Koa's default handler would print them to stderr.
  app.silent = true;
  return app;
}
