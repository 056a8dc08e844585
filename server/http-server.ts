import { createServer, type Server } from 'node:http';
import type Koa from 'koa';
import type { Config } from './config.js';

// Heroku's router keeps idle keep-alive connections for 90 s; closing ours first would
// race its reuse of them and surface as H13/H18 errors, so we outlast it.
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;
// Node requires headersTimeout >= keepAliveTimeout to avoid a race on reused sockets.
export const HEADERS_TIMEOUT_MS = KEEP_ALIVE_TIMEOUT_MS + 1_000;
// A held poll is a request too: the whole-request timeout must outlast the longest hold.
export const REQUEST_TIMEOUT_MS = 120_000;

/** The HTTP server for the app, with the timeouts long polling behind Heroku needs. */
export function createHttpServer(app: Koa, config: Pick<Config, 'pollHoldMs'>): Server {
  const server = createServer(app.callback());
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = Math.max(REQUEST_TIMEOUT_MS, config.pollHoldMs + 10_000);
  return server;
}
