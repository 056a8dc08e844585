import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

/**
 * One line per request: method, route pattern, status, duration. The pattern, not the
 * URL: a room id is the key to its room and a query may carry a cursor.
 */
export function requestLog(logger: Logger, now: () => number = performance.now.bind(performance)): Middleware {
  return async function logRequest(ctx, next) {
    const start = now();
    try {
      await next();
    } finally {
      logger.log('info', 'request', {
        method: ctx.method,
        route: (ctx as { _matchedRoute?: unknown })._matchedRoute?.toString() ?? 'unmatched',
        status: ctx.status,
        durationMs: Math.round((now() - start) * 10) / 10,
      });
    }
  };
}
