import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { HttpError } from '../http/http-error.js';
import type { Metrics } from './metrics.js';

/**
 * GET /metrics for a scraper holding METRICS_TOKEN as a bearer token. Without the
 * setting the route does not exist (createApp does not mount it), so a public
 * deployment shows nothing; with it, a wrong or missing token gets 401.
 */
export function createMetricsRouter(token: string, metrics: Metrics): Router {
  const expected = digest(token);
  const router = new Router();
  router.all('/metrics', async (ctx) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new HttpError(405, 'This method is not allowed here.', { Allow: 'GET, HEAD' });
    const presented = /^Bearer (\S+)$/.exec(ctx.get('Authorization'))?.[1];
    // Digests have one length whatever was sent, so the comparison takes the same time for any guess.
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new HttpError(401, 'Send METRICS_TOKEN as "Authorization: Bearer <token>".', { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    const scrape = await metrics.scrape();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = scrape.contentType;
    ctx.body = scrape.text;
  });
  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
