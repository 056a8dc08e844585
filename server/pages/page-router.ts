import Router from '@koa/router';
import type { Config } from '../config.js';
import { createRoom } from '../http/create-room.js';
import type { RoomIds } from '../room-ids.js';
import type { RoomStore } from '../store/room-store.js';

export interface PageDeps {
  config: Config;
  store: RoomStore;
  roomIds: RoomIds;
}

// Placeholder pages until the browser client lands (issue 3).
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body>${body}</body></html>`;
}

export function createPageRouter({ config, store, roomIds }: PageDeps): Router {
  const router = new Router();

  router.get('/', async (ctx) => {
    const room = await createRoom(store, roomIds, config.roomCapacity);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(`/${room}`);
  });

  router.get('/about', (ctx) => {
    ctx.type = 'html';
    ctx.body = page('About Phantachat', '<h1>Phantachat</h1><p>Live typing that vanishes.</p>');
  });

  router.get('/:room', async (ctx) => {
    const room = ctx.params.room ?? '';
    const exists = roomIds.isValid(room) && (await store.getRoom(room)) !== undefined;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.status = exists ? 200 : 404;
    ctx.body = exists
      ? page('Phantachat', '<h1>Phantachat</h1>')
      : page('This chat has vanished', '<h1>This chat has vanished</h1><p><a href="/">Start a new one</a></p>');
  });

  return router;
}
