import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { timeEachRequest } from './request-timing.js';
import { routeName } from './route-name.js';

/**
 * One line per request: method, route pattern, status, duration. Off by default
 * (LOG_REQUESTS): Heroku's router already logs every request, and this line was a
 * write per poll and per send (9 % of the server's CPU under bench workload a).
 */
export function requestLog(logger: Logger, now: () => number = performance.now.bind(performance)): Middleware {
  return timeEachRequest((ctx, durationMs) => {
    logger.log('info', 'request', {
      method: ctx.method,
      route: routeName(ctx),
      status: ctx.status,
      durationMs: Math.round(durationMs * 10) / 10,
    });
  }, now);
}
