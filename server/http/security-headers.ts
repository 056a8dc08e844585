import type { Middleware } from 'koa';

// Scripts, styles and requests from this origin only; no inline script or style, no framing.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // blob: for shared pictures, fetched with the token and shown from memory (issue 10).
  "img-src 'self' blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  // Any HTML-string sink (innerHTML and friends) throws: user text can only ever be textContent.
  "require-trusted-types-for 'script'",
].join('; ');

/**
 * The one list of headers on every response: no MIME sniffing, no referrer (a room URL is
 * the key to its room), and no caching (rooms and their events vanish; a cached answer
 * would outlive them). Routes whose answers may be cached (assets) override Cache-Control.
 */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function securityHeaders(): Middleware {
  // Not async: returning next()'s promise keeps one frame fewer alive per held poll.
  return function setResponseHeaders(ctx, next) {
    ctx.set(COMMON_HEADERS);
    return next();
  };
}

/** On HTML pages only (JSON never runs script or gets framed): the CSP, no framing, no opener. */
export function pageSecurityHeaders(): Middleware {
  return async function setPageSecurityHeaders(ctx, next) {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    await next();
  };
}
