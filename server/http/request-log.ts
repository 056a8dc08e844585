import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { routeName } from './route-name.js';

/**
 * One line per request: method, route pattern, status, duration. Off by default
 * (LOG_REQUESTS): Heroku's router already logs every request, and this line was a
 * write per poll and per send (9 % of the server's CPU under bench workload a).
 */
export function requestLog(logger: Logger, now: () => number = performance.now.bind(performance)): Middleware {
  return async function logEachRequest(ctx, next) {
    const start = now();
    try {
      await next();
    } finally {
      logger.log('info', 'request', {
        method: ctx.method,
        route: routeName(ctx),
        status: ctx.status,
        durationMs: Math.round((now() - start) * 10) / 10,
      });
    }
  };
}
