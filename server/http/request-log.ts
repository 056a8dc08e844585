import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

/**
 * One line per request: method, route pattern, status, duration. The pattern, not the
 * URL: a room id is the key to its room and a query may carry a cursor.
 */
export function requestLog(logger: Logger, now: () => number = performance.now.bind(performance)): Middleware {
  return async function logEachRequest(ctx, next) {
    const start = now();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute?.toString() ?? 'unmatched';
      logRequest(logger, ctx.method, route, ctx.status, now() - start);
    }
  };
}

/** The request line itself, also written by the hot routes that bypass Koa. */
export function logRequest(logger: Logger, method: string, route: string, status: number, durationMs: number): void {
  logger.log('info', 'request', { method, route, status, durationMs: Math.round(durationMs * 10) / 10 });
}
