import type { Context } from 'koa';

/**
 * The route pattern a request matched (`/rooms/:room/send`), for the request log. A
 * pattern, never the URL: a room id is the key to its room and a query may carry a cursor.
 * Routes name themselves here so nothing reads a router's private fields.
 */
export function nameRoute(ctx: Context, pattern: string): void {
  (ctx.state as RouteState).route = pattern;
}

export function routeName(ctx: Context): string {
  return (ctx.state as RouteState).route ?? 'unmatched';
}

interface RouteState {
  route?: string;
}
