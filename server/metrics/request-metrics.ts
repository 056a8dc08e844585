import type { Middleware } from 'koa';
import { timeEachRequest } from '../http/request-timing.js';
import { routeName } from '../http/route-name.js';
import type { Metrics } from './metrics.js';

/**
 * Times every request that passes Koa, labelled by route pattern (never the URL: a room id
 * is the key to its room) and status class. First in the chain, so the time includes the
 * error funnel and every other middleware.
 */
export function requestMetrics(metrics: Metrics, now: () => number = performance.now.bind(performance)): Middleware {
  return timeEachRequest((ctx, durationMs) => metrics.requestEnded(ctx.method, routeName(ctx), ctx.status, durationMs), now);
}
