import type { PageAssets } from './client-assets.js';

// Every page: no inline script or style (the CSP forbids both), a viewport for phones.
function shell(title: string, assets: PageAssets | undefined, body: string, script = false): string {
  const style = assets ? `<link rel="stylesheet" href="/assets/${assets.style}">` : '';
  const tag = assets && script ? `<script defer src="/assets/${assets.script}"></script>` : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content">',
    '<meta name="color-scheme" content="dark">',
    '<meta name="robots" content="noindex">',
    `<title>${title}</title>`,
    style,
    tag,
    '</head>',
    `<body>${body}</body>`,
    '</html>',
    '',
  ].join('\n');
}

/** The chat at /<room>: an empty frame the client fills in; it offers groups of up to `maxSeats`. */
export function chatPage(assets: PageAssets | undefined, maxSeats: number): string {
  const fallback = assets
    ? '<noscript><p>Phantachat sends every keystroke as you type, which needs JavaScript.</p></noscript>'
    : '<p>The browser client is not built yet: run <code>npm run build</code>.</p>';
  return shell('Phantachat', assets, `<main id="app" data-max-seats="${Math.trunc(maxSeats)}">${fallback}</main>`, true);
}

/** 404 for an unknown, expired or malformed room (the same words as the client's vanished view). */
export function vanishedPage(assets: PageAssets | undefined): string {
  return shell(
    'This chat has vanished · Phantachat',
    assets,
    '<main class="page"><div class="end-view vanished"><h1 class="title">This chat has vanished</h1>' +
      '<p class="lede">Chats disappear when everyone has left for a while.</p>' +
      '<a class="new-chat" href="/">Start a new chat</a></div></main>',
  );
}

export function aboutPage(assets: PageAssets | undefined): string {
  return shell(
    'About Phantachat',
    assets,
    '<main class="page about"><h1 class="title">Phantachat</h1>' +
      '<p class="lede">Live typing that vanishes as you read it.</p>' +
      '<p>Every character is sent the moment you type it, shows up on your friend’s screen at once, ' +
      'lingers a few seconds and fades away. There is no history, no send button and no way to take ' +
      'back what you typed. Nothing is stored: the server keeps each keystroke for seconds, in memory.</p>' +
      '<p>Open a chat, send the link to a friend (or start a group and send it to several), and talk.</p>' +
      '<p><a class="new-chat" href="/">Start a new chat</a></p></main>',
  );
}
