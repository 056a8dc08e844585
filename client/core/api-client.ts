import type {
  CreateRoomResponse,
  JoinResponse,
  PollResponse,
  PresenceState,
  RoomResponse,
  SendRequest,
  SendResponse,
} from '../../server/protocol.js';
import type { Io } from './io.js';
import { apiOrigin, httpFailure, jsonOrUndefined, timedFetch } from './timed-fetch.js';

/**
 * Every outcome of a request as a value, never a throw: loops branch on `kind` and
 * `status` instead of wrapping each call in try/catch.
 */
export type ApiResult<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; kind: 'http'; status: number; error: string }
  | { ok: false; kind: 'network'; error: string };

export interface RequestOptions {
  signal?: AbortSignal;
  /** Abort and report a network error after this long (a proxy that never answers). */
  timeoutMs?: number;
}

// A send, join or presence call that takes 15 s has been eaten by the network.
const DEFAULT_TIMEOUT_MS = 15_000;

/** The protocol v1 API (docs/protocol.md) over the injected fetch. */
export class ApiClient {
  readonly #io: Io;
  readonly #origin: string;

  /** `baseUrl` is '' in the browser (same origin) and `http://host:port` elsewhere. */
  constructor(io: Io, baseUrl = '') {
    this.#io = io;
    this.#origin = apiOrigin(baseUrl);
  }

  /** POST /rooms; `capacity` undefined leaves it to the server's ROOM_CAPACITY. */
  createRoom(capacity: number | undefined): Promise<ApiResult<CreateRoomResponse>> {
    return this.#request('POST', '/rooms', { body: capacity === undefined ? {} : { capacity } });
  }

  getRoom(room: string): Promise<ApiResult<RoomResponse>> {
    return this.#request('GET', roomPath(room), {});
  }

  /** `key` makes the join idempotent: retried with the same key, it answers the same seat. */
  join(room: string, name: string | undefined, key?: string): Promise<ApiResult<JoinResponse>> {
    return this.#request('POST', `${roomPath(room)}/join`, { body: { ...(name === undefined ? {} : { name }), ...(key === undefined ? {} : { key }) } });
  }

  send(room: string, token: string, body: SendRequest): Promise<ApiResult<SendResponse>> {
    return this.#request('POST', `${roomPath(room)}/send`, { token, body });
  }

  poll(room: string, token: string, cursor: string | undefined, waitMs: number, options: RequestOptions): Promise<ApiResult<PollResponse>> {
    const query = new URLSearchParams({ wait: String(waitMs) });
    if (cursor !== undefined) query.set('cursor', cursor);
    return this.#request('GET', `${roomPath(room)}/poll?${query}`, { token, ...options });
  }

  presence(room: string, token: string, state: PresenceState): Promise<ApiResult<undefined>> {
    return this.#request('POST', `${roomPath(room)}/presence`, { token, body: { state } });
  }

  leave(room: string, token: string): Promise<ApiResult<undefined>> {
    return this.#request('POST', `${roomPath(room)}/leave`, { token });
  }

  /**
   * What `navigator.sendBeacon` should post to leave: it cannot set headers, so the
   * token rides in a text/plain body, which the protocol accepts for exactly this.
   */
  leaveBeacon(room: string, token: string): { url: string; body: string } {
    return { url: `${this.#origin}${roomPath(room)}/leave`, body: JSON.stringify({ token }) };
  }

  #request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions & { token?: string; body?: unknown }): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    // No `cache: 'no-store'` here: it is DOM-only (Node's fetch types lack it), and every API
    // response already carries Cache-Control: no-store, which browsers and proxies obey.
    const request = {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
    };
    return timedFetch(this.#io, `${this.#origin}${path}`, request, async (response) => {
      const body = jsonOrUndefined(await response.text());
      return response.ok ? { ok: true, status: response.status, body: body as T } : httpFailure(response.status, body);
    });
  }
}

function roomPath(room: string): string {
  return `/rooms/${encodeURIComponent(room)}`;
}
