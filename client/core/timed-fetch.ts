import type { ApiResult } from './api-client.js';
import type { Io, IoResponse } from './io.js';

export interface TimedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: RequestInit['body'];
  /** Abort and report a network error after this long (a proxy that never answers). */
  timeoutMs: number;
  /** The caller's own abort (a stopping loop), on top of the timeout. */
  signal?: AbortSignal;
}

/**
 * One request over the host's fetch, aborted by its timeout or the caller's signal, with
 * `read` turning the response into a result; whatever throws on the way (the network, an
 * abort, a body cut short) comes back as a `network` result, never as a throw.
 */
export async function timedFetch<R extends IoResponse, T>(
  io: Pick<Io, 'setTimeout' | 'clearTimeout'> & { fetch(url: string, init: RequestInit): Promise<R> },
  url: string,
  request: TimedRequest,
  read: (response: R) => Promise<ApiResult<T>>,
): Promise<ApiResult<T>> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  request.signal?.addEventListener('abort', abort);
  if (request.signal?.aborted) controller.abort();
  const timer = io.setTimeout(abort, request.timeoutMs);
  try {
    const response = await io.fetch(url, { method: request.method, headers: request.headers, body: request.body, signal: controller.signal });
    return await read(response);
  } catch (error) {
    return { ok: false, kind: 'network', error: error instanceof Error ? error.message : String(error) };
  } finally {
    io.clearTimeout(timer);
    request.signal?.removeEventListener('abort', abort);
  }
}

/** What request paths are appended to: `baseUrl` without its trailing slashes ('' stays same-origin). */
export function apiOrigin(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** An answer's body as JSON, or undefined when it is none (a proxy's HTML error page). */
export function jsonOrUndefined(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A refusal as a result: the server's own `{"error"}` sentence, or the bare status when there is none. */
export function httpFailure(status: number, body: unknown): ApiResult<never> {
  const error = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : `HTTP ${status}`;
  return { ok: false, kind: 'http', status, error };
}
