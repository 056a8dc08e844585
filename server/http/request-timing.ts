import type { Context, Middleware } from 'koa';

/**
 * Runs the rest of the chain and hands each request, with how long it took in milliseconds,
 * to `onEnd`, however the chain ended (an error still reaches `onEnd` before it propagates).
 * The request log and the request metrics are both this, with a different `onEnd`.
 */
export function timeEachRequest(onEnd: (ctx: Context, durationMs: number) => void, now: () => number): Middleware {
  return async function timedRequest(ctx, next) {
    const start = now();
    try {
      await next();
    } finally {
      onEnd(ctx, now() - start);
    }
  };
}
