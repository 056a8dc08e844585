import type { ImageType, ImageUploadResponse } from '../../server/protocol.js';
import type { ApiResult } from './api-client.js';
import type { Io, IoResponse } from './io.js';

/** Images come back as bytes, so this client needs a host whose responses can give a Blob. */
export interface ImageIo extends Io {
  fetch(url: string, init: RequestInit): Promise<IoResponse & Pick<Response, 'blob'>>;
}

// 2 MiB uploads on a slow phone link take a while; a fetch of one, less.
const UPLOAD_TIMEOUT_MS = 60_000;
const FETCH_TIMEOUT_MS = 30_000;

/**
 * POST /rooms/:room/images and GET /rooms/:room/images/:id over the injected fetch
 * (docs/protocol.md, "Images"). Image bytes never touch a cache: the server answers every
 * request with `Cache-Control: no-store` (a fetch `cache` option would not compile without the DOM).
 */
export class ImageClient {
  readonly #io: ImageIo;
  readonly #baseUrl: string;

  constructor(io: ImageIo, baseUrl = '') {
    this.#io = io;
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async upload(room: string, token: string, image: Blob, type: ImageType): Promise<ApiResult<ImageUploadResponse>> {
    const result = await this.#request('POST', `${imagesPath(room)}`, token, UPLOAD_TIMEOUT_MS, { body: image, type });
    if (!result.ok) return result;
    try {
      return { ok: true, status: result.status, body: JSON.parse(await result.body.text()) as ImageUploadResponse };
    } catch (error) {
      return { ok: false, kind: 'network', error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The image's bytes, typed as the server stored them; 404 once it has vanished. */
  fetch(room: string, token: string, id: string): Promise<ApiResult<Blob>> {
    return this.#request('GET', `${imagesPath(room)}/${encodeURIComponent(id)}`, token, FETCH_TIMEOUT_MS);
  }

  async #request(method: 'GET' | 'POST', path: string, token: string, timeoutMs: number, upload?: { body: Blob; type: string }): Promise<ApiResult<Blob>> {
    const controller = new AbortController();
    const timer = this.#io.setTimeout(() => controller.abort(), timeoutMs);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (upload) headers['content-type'] = upload.type;
    try {
      const response = await this.#io.fetch(`${this.#baseUrl}${path}`, { method, headers, body: upload?.body, signal: controller.signal });
      const body = await response.blob();
      if (response.ok) return { ok: true, status: response.status, body };
      return { ok: false, kind: 'http', status: response.status, error: await errorSentence(body, response.status) };
    } catch (error) {
      return { ok: false, kind: 'network', error: error instanceof Error ? error.message : String(error) };
    } finally {
      this.#io.clearTimeout(timer);
    }
  }
}

function imagesPath(room: string): string {
  return `/rooms/${encodeURIComponent(room)}/images`;
}

async function errorSentence(body: Blob, status: number): Promise<string> {
  try {
    const parsed = JSON.parse(await body.text()) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // A proxy's HTML page: the status says enough.
  }
  return `HTTP ${status}`;
}
