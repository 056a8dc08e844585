import type { ImageInfo } from '../protocol.js';

/** An image's bytes and what its event says about them. */
export interface StoredImage {
  info: ImageInfo;
  data: Uint8Array;
}

/**
 * One room's live image bytes. Every image lives the room's TTL, as its event does, so
 * expiry order is insertion order, and the sweep that drops the event drops the bytes.
 */
export class RoomImages {
  private readonly images = new Map<string, { image: StoredImage; expiresAt: number }>();
  private liveBytes = 0;

  get bytes(): number {
    return this.liveBytes;
  }

  add(image: StoredImage, expiresAt: number): void {
    this.images.set(image.info.id, { image, expiresAt });
    this.liveBytes += image.data.byteLength;
  }

  /** The image while `now < expiresAt`. */
  get(id: string, now: number): StoredImage | undefined {
    const entry = this.images.get(id);
    return entry !== undefined && entry.expiresAt > now ? entry.image : undefined;
  }

  /** Drops every image with `expiresAt <= now` (all of them with Infinity); returns the bytes freed. */
  expire(now: number): number {
    let freed = 0;
    // A Map iterates in insertion order, which is expiry order.
    for (const [id, entry] of this.images) {
      if (entry.expiresAt > now) break;
      this.images.delete(id);
      freed += entry.image.data.byteLength;
    }
    this.liveBytes -= freed;
    return freed;
  }
}
