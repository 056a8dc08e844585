import type { Context } from 'koa';
import type { Config } from '../config.js';
import type { ByteBudget } from '../domain/byte-budget.js';
import { randomId } from '../domain/random-id.js';
import { RateLimiter } from '../domain/rate-limiter.js';
import { readImageBody } from '../images/image-body.js';
import { checkImage, declaredImageType } from '../images/image-check.js';
import type { SniffedImage } from '../images/image-sniffer.js';
import type { ImageUploadResponse } from '../protocol.js';
import type { RoomStore } from '../store/room-store.js';
import type { ApiRoutes } from './api-dispatch.js';
import { HttpError } from './http-error.js';
import { bearerToken, wellFormedRoomId } from './request-params.js';

export interface ImageRouteDeps {
  config: Config;
  store: RoomStore;
  /** PROCESS_IMAGE_BYTES: uploads being read hold their bytes here. */
  imageBudget: ByteBudget;
  now: () => number;
}

// 16 random bytes: an image URL is as unguessable as a room's, and it also needs a token.
const IMAGE_ID_BYTES = 16;
const IMAGE_ID = /^[A-Za-z0-9_-]{22}$/;
const MINUTE_MS = 60_000;

/** POST /rooms/:room/images and GET /rooms/:room/images/:id (docs/protocol.md, "Images"). */
export function createImageRoutes({ config, store, imageBudget, now }: ImageRouteDeps): Pick<ApiRoutes, '/rooms/:room/images' | '/rooms/:room/images/:id'> {
  // Per participant and process: with several instances a participant's rate is per instance.
  const uploads = new RateLimiter(config.imagesPerMinute, MINUTE_MS);

  return {
    '/rooms/:room/images': { POST: upload },
    '/rooms/:room/images/:id': { GET: fetchImage },
  };

  async function upload(ctx: Context, roomParam: string | undefined): Promise<void> {
    const room = wellFormedRoomId(roomParam);
    const token = bearerToken(ctx.get('Authorization'));
    const declared = declaredImageType(ctx.get('Content-Type'));
    // Who is asking is settled before a single byte of the body is read.
    await store.authenticate(room, token);
    // A token is one seat: a participant who rejoins has a new seat, and a new count, either way.
    const waitMs = uploads.take(`${room} ${token}`, now());
    if (waitMs > 0) {
      throw new HttpError(429, `At most ${config.imagesPerMinute} images a minute; wait and try again.`, { 'Retry-After': String(Math.ceil(waitMs / 1000)) });
    }
    const body = await readImageBody(ctx.req, config.imageMaxBytes, imageBudget);
    let sniffed: SniffedImage;
    try {
      sniffed = checkImage(body.data, declared, config.imageMaxPixels);
    } finally {
      // The bytes are handed over here: the memory store takes them from this same budget for
      // as long as the image lives (Redis holds them itself), so holding them here as well
      // would count each shared image twice and refuse uploads the budget has room for.
      body.release();
    }
    const id = randomId(IMAGE_ID_BYTES);
    const info = { id, type: sniffed.type, bytes: body.data.byteLength, width: sniffed.width, height: sniffed.height };
    const shared = await store.shareImage(room, token, { info, data: body.data });
    ctx.status = 201;
    ctx.body = { id, expiresAt: shared.expiresAt } satisfies ImageUploadResponse;
  }

  async function fetchImage(ctx: Context, roomParam: string | undefined, idParam: string | undefined): Promise<void> {
    const room = wellFormedRoomId(roomParam);
    const token = bearerToken(ctx.get('Authorization'));
    const id = idParam ?? '';
    const image = IMAGE_ID.test(id) ? await store.getImage(room, token, id) : await store.authenticate(room, token).then(() => undefined);
    if (image === undefined) throw new HttpError(404, 'This image has vanished.');
    ctx.body = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    ctx.type = image.info.type;
    ctx.set('Content-Disposition', 'inline');
  }
}
