import type { ImageType, ImageUploadResponse } from '../../server/protocol.js';
import type { ApiResult } from './api-client.js';
import type { Io, IoResponse } from './io.js';
import { apiOrigin, httpFailure, jsonOrUndefined, timedFetch } from './timed-fetch.js';

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
  readonly #origin: string;

  /** `baseUrl` is '' in the browser (same origin) and `http://host:port` elsewhere. */
  constructor(io: ImageIo, baseUrl = '') {
    this.#io = io;
    this.#origin = apiOrigin(baseUrl);
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

  #request(method: 'GET' | 'POST', path: string, token: string, timeoutMs: number, upload?: { body: Blob; type: string }): Promise<ApiResult<Blob>> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (upload) headers['content-type'] = upload.type;
    return timedFetch(this.#io, `${this.#origin}${path}`, { method, headers, body: upload?.body, timeoutMs }, async (response) => {
      const body = await response.blob();
      return response.ok ? { ok: true, status: response.status, body } : httpFailure(response.status, jsonOrUndefined(await body.text()));
    });
  }
}

function imagesPath(room: string): string {
  return `/rooms/${encodeURIComponent(room)}/images`;
}
