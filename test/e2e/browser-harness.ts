import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createStore } from '../../server/store/create-store.js';
import type { RoomStore } from '../../server/store/room-store.js';
import { buildClient } from '../../scripts/build-client.mjs';

/** Debian's Chromium; .ci/run installs it when missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

// Quiet, deterministic Chromium: no GPU, no background updates or sync talking to the
// network mid-test. launch() gives every run a fresh temporary profile (user-data-dir).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export interface E2e {
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the client, starts the real app on 127.0.0.1 (port 0) and launches Chromium. */
export async function startE2e(env: Record<string, string> = {}): Promise<E2e> {
  await buildClient();
  // A short hold keeps teardown quick; everything else as in production.
  const config = loadConfig({ ROOM_SALT: 'e2e-salt-0123', POLL_HOLD_MS: '5000', ...env });
  const store: RoomStore = await createStore(config);
  const server: Server = createServer(createApp({ config, store }).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

export interface ChatPage {
  context: BrowserContext;
  page: Page;
  /** Every alert/confirm/prompt the page tried to open: must stay empty. */
  dialogs: string[];
  /** URLs of every script the page requested. */
  scripts: string[];
  /** Uncaught exceptions and CSP or Trusted Types violations: must stay empty. */
  problems: string[];
}

/** A fresh browser profile (own storage, own seat) opening `url`. */
export interface OpenOptions {
  /** Playwright's clock: time flows as usual, but the test can jump ahead. */
  fakeClock?: boolean;
  reducedMotion?: boolean;
}

export async function openPage(e2e: E2e, url: string, options: OpenOptions = {}): Promise<ChatPage> {
  const context = await e2e.browser.newContext({
    viewport: { width: 720, height: 560 },
    deviceScaleFactor: 1,
    reducedMotion: options.reducedMotion ? 'reduce' : 'no-preference',
  });
  const page = await context.newPage();
  if (options.fakeClock) await page.clock.install();
  const dialogs: string[] = [];
  const scripts: string[] = [];
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy|Trusted Type/i.test(message.text())) problems.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url());
  });
  await page.goto(url);
  return { context, page, dialogs, scripts, problems };
}

/** Fills the inline name form and waits until the chat is on screen. */
export async function joinAs(chat: ChatPage, name: string): Promise<void> {
  await chat.page.fill('#name', name);
  await chat.page.click('button.join');
  await chat.page.waitForSelector('.chat');
}

/** Text of the first lane above yours (the other participant's). */
export function otherLane(page: Page): Promise<string> {
  return page.locator('.others .lane-text').first().evaluate((node) => node.textContent ?? '');
}

export function ownLane(page: Page): Promise<string> {
  return page.locator('.lane.self .lane-text').evaluate((node) => node.textContent ?? '');
}

/** Makes the page believe its tab was hidden or shown (headless tabs never are). */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((isHidden) => {
    Object.defineProperty(document, 'visibilityState', { value: isHidden ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: isHidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
