import type { Context, Middleware } from 'koa';
import { HttpError } from './http-error.js';
import { nameRoute } from './route-name.js';

/**
 * Answers one method of one route; `room` is the decoded `:room` segment and `item` the
 * decoded segment after the action (`:id` of an image), where the path has them.
 */
export type RouteHandler = (ctx: Context, room: string | undefined, item: string | undefined) => Promise<void>;

export interface ApiRoute {
  readonly GET?: RouteHandler;
  readonly POST?: RouteHandler;
}

/** Every API path of protocol v1, each a route of its own. */
export interface ApiRoutes {
  '/healthz': ApiRoute;
  '/rooms': ApiRoute;
  '/rooms/:room': ApiRoute;
  '/rooms/:room/join': ApiRoute;
  '/rooms/:room/presence': ApiRoute;
  '/rooms/:room/leave': ApiRoute;
  '/rooms/:room/send': ApiRoute;
  '/rooms/:room/poll': ApiRoute;
  '/rooms/:room/kick': ApiRoute;
  '/rooms/:room/lock': ApiRoute;
  '/rooms/:room/images': ApiRoute;
  '/rooms/:room/images/:id': ApiRoute;
}

type Pattern = keyof ApiRoutes;

// `/rooms`, `/rooms/<room>`, `/rooms/<room>/<action>` or `/rooms/<room>/<action>/<item>`,
// exactly: no trailing slash, no deeper path.
const ROOMS_PATH = /^\/rooms(?:\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?)?$/;
// A Map, not an object literal: `/rooms/x/constructor` must not find Object.prototype's.
const ACTIONS: ReadonlyMap<string, Pattern> = new Map([
  ['join', '/rooms/:room/join'],
  ['presence', '/rooms/:room/presence'],
  ['leave', '/rooms/:room/leave'],
  ['send', '/rooms/:room/send'],
  ['poll', '/rooms/:room/poll'],
  ['kick', '/rooms/:room/kick'],
  ['lock', '/rooms/:room/lock'],
  ['images', '/rooms/:room/images'],
]);
// The actions whose path takes one more segment, and the route that answers it.
const ITEMS: ReadonlyMap<Pattern, Pattern> = new Map([['/rooms/:room/images', '/rooms/:room/images/:id']]);

/** The sentence for a path nothing answers, API or not. */
export const nothingHere = (): HttpError => new HttpError(404, 'There is nothing at this address.');

/**
 * The API's dispatch: one regex for every path under /rooms, then a table lookup, so the
 * two routes that carry nearly all traffic (send, poll) cost no router walk. One rule for
 * methods on every API path: the route's own methods; OPTIONS gets 204 with `Allow`; any
 * other method (HEAD included: a held poll without a body would only waste a hold) gets
 * 405 with `Allow`. An unknown path under /rooms gets a JSON 404; other paths pass on.
 */
export function apiDispatch(routes: ApiRoutes): Middleware {
  const table = new Map<Pattern, { route: ApiRoute; allow: string }>();
  for (const [pattern, route] of Object.entries(routes) as [Pattern, ApiRoute][]) {
    const allow = (['GET', 'POST'] as const).filter((method) => route[method] !== undefined).join(', ');
    table.set(pattern, { route, allow });
  }

  // Not async (a throw here still reaches the error funnel: koa-compose turns it into a
  // rejection), so a held poll keeps no suspended frame of this function alive.
  return function dispatchApi(ctx, next) {
    const path = ctx.path;
    let pattern: Pattern | undefined;
    let room: string | undefined;
    let item: string | undefined;
    if (path === '/healthz') pattern = '/healthz';
    else if (path.startsWith('/rooms')) {
      const match = ROOMS_PATH.exec(path);
      if (match === null) {
        if (path.startsWith('/rooms/')) throw nothingHere();
        return next(); // `/roomsfoo` is a page path, like any `/<room>`
      }
      room = match[1] === undefined ? undefined : decode(match[1]);
      pattern = match[1] === undefined ? '/rooms' : match[2] === undefined ? '/rooms/:room' : ACTIONS.get(match[2]);
      if (pattern !== undefined && match[3] !== undefined) {
        pattern = ITEMS.get(pattern);
        item = decode(match[3]);
      }
      if (pattern === undefined) throw nothingHere();
    } else return next();

    nameRoute(ctx, pattern);
    const { route, allow } = table.get(pattern)!;
    const method = ctx.method;
    const handler = method === 'GET' ? route.GET : method === 'POST' ? route.POST : undefined;
    if (handler !== undefined) return handler(ctx, room, item);
    if (method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', allow);
      return Promise.resolve();
    }
    throw new HttpError(405, 'This method is not allowed here.', { Allow: allow });
  };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // malformed escapes: answered like any malformed room id
  }
}
