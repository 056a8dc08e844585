import type { Middleware } from 'koa';
import type { Metrics } from './metrics.js';

/**
 * Times every request that passes Koa, labelled by route pattern (never the URL: a room id
 * is the key to its room) and status class. First in the chain, so the time includes the
 * error funnel and every other middleware.
 */
export function requestMetrics(metrics: Metrics, now: () => number = performance.now.bind(performance)): Middleware {
  return async function measureEachRequest(ctx, next) {
    const start = now();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute?.toString() ?? 'unmatched';
      metrics.requestEnded(ctx.method, route, ctx.status, now() - start);
    }
  };
}
