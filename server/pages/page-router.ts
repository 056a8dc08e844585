import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Config } from '../config.js';
import type { RoomFactory } from '../http/room-factory.js';
import { nameRoute } from '../http/route-name.js';
import { HttpError } from '../http/http-error.js';
import { pageSecurityHeaders } from '../http/security-headers.js';
import type { RoomIds } from '../room-ids.js';
import type { RoomStore } from '../store/room-store.js';
import { ClientAssets } from './client-assets.js';
import { aboutPage, chatPage, vanishedPage } from './page-html.js';

export interface PageDeps {
  config: Config;
  store: RoomStore;
  roomIds: RoomIds;
  rooms: RoomFactory;
  /** The built browser client; defaults to dist/client under the package root. */
  assets?: ClientAssets;
}

// Hashed names never change content, so browsers and CDNs may keep them for a year.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The HTML pages and the client bundle they load. Security headers come from the app. */
export function createPageRouter({ config, store, roomIds, rooms, assets = new ClientAssets() }: PageDeps): Router {
  const router = new Router();

  router.use(pageSecurityHeaders());
  // Each route names itself for the request log (the router's own record of it is private).
  const named = (pattern: string): Middleware => (ctx, next) => {
    nameRoute(ctx, pattern);
    return next();
  };

  // `?seats=N` is what the page's "start a group" form submits (a plain GET form: no script needed).
  router.get('/', named('/'), async function newRoom(ctx) {
    const room = await rooms.create(ctx.ip, seatsFrom(ctx.query.seats, config));
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(`/${room}`);
  });

  // Browsers ask for it on every visit; without this it would render the "vanished" page each time.
  router.get('/favicon.ico', named('/favicon.ico'), function noFavicon(ctx) {
    ctx.status = 204;
    ctx.set('Cache-Control', 'public, max-age=86400');
  });

  router.get('/about', named('/about'), async function about(ctx) {
    ctx.type = 'html';
    ctx.body = aboutPage(await assets.manifest());
  });

  router.get('/assets/:file', named('/assets/:file'), async function asset(ctx) {
    const file = await assets.read(ctx.params.file ?? '');
    if (!file) return; // 404 through the app's error funnel
    ctx.status = 200;
    ctx.set('Cache-Control', IMMUTABLE);
    ctx.set('ETag', file.etag);
    ctx.type = file.type;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = file.body;
  });

  router.get('/:room', named('/:room'), async function chat(ctx) {
    const room = ctx.params.room ?? '';
    const exists = roomIds.isValid(room) && (await store.getRoom(room)) !== undefined;
    const manifest = await assets.manifest();
    // Each visit must ask the server again: a cached page would outlive its room.
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.status = exists ? 200 : 404;
    ctx.body = exists ? chatPage(manifest, config.roomMaxCapacity) : vanishedPage(manifest);
  });

  return router;
}

/** The seats of a room started from the page: ROOM_CAPACITY unless the group form asked for 2..ROOM_MAX_CAPACITY. */
function seatsFrom(raw: string | string[] | undefined, config: Config): number {
  if (raw === undefined) return config.roomCapacity;
  const seats = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (seats >= 2 && seats <= config.roomMaxCapacity) return seats;
  throw new HttpError(400, `"seats" must be a whole number from 2 to ${config.roomMaxCapacity}.`);
}
