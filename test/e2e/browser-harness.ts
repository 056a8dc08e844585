import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createStore } from '../../server/store/create-store.js';
import type { RoomStore } from '../../server/store/room-store.js';
import { buildClient } from '../../scripts/build-client.mjs';

/**
 * One driver for both browsers: puppeteer-core speaks CDP to Chromium and WebDriver
 * BiDi to Firefox, so every test is written once. Both are Debian's packages, which
 * .ci/run installs when missing (no browser download from npm).
 */
export type BrowserName = 'chromium' | 'firefox';

export const BROWSER_PATHS: Record<BrowserName, string> = {
  chromium: '/usr/bin/chromium',
  firefox: '/usr/bin/firefox-esr',
};

/** The browsers present on this machine; a missing one is skipped with one line saying so. */
export const BROWSERS: BrowserName[] = (['chromium', 'firefox'] as const).filter((name) => {
  if (existsSync(BROWSER_PATHS[name])) return true;
  process.stderr.write(`e2e: ${BROWSER_PATHS[name]} not found, skipping ${name}\n`);
  return false;
});

// Quiet, deterministic Chromium: no GPU, no background updates or sync talking to the
// network mid-test. Each launch gets a fresh temporary profile.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];
// The same for Firefox: no update checks, telemetry or captive-portal probes.
const FIREFOX_PREFS = {
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'network.captive-portal-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
};

/** `reducedMotion` matters for Firefox only: WebDriver BiDi cannot emulate media per page, so it is a launch preference. */
export function launchBrowser(name: BrowserName, options: { reducedMotion?: boolean } = {}): Promise<Browser> {
  if (name === 'firefox') {
    const prefs = options.reducedMotion ? { ...FIREFOX_PREFS, 'ui.prefersReducedMotion': 1 } : FIREFOX_PREFS;
    return puppeteer.launch({ browser: 'firefox', executablePath: BROWSER_PATHS.firefox, headless: true, extraPrefsFirefox: prefs });
  }
  return puppeteer.launch({ browser: 'chrome', executablePath: BROWSER_PATHS.chromium, headless: true, args: CHROMIUM_ARGS });
}

export interface TestServer {
  baseUrl: string;
  store: RoomStore;
  close(): Promise<void>;
}

/** Builds the client and starts the real app on 127.0.0.1 (port 0). */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  await buildClient();
  // A short hold keeps teardown quick. Every page here comes from 127.0.0.1, one "client" to
  // the per-address room limit (30 a minute), which a file's worth of fresh rooms would pass.
  // Everything else as in production.
  const config = loadConfig({ ROOM_SALT: 'e2e-salt-0123', POLL_HOLD_MS: '5000', ROOMS_PER_MINUTE: '1000', ...env });
  const store: RoomStore = await createStore(config);
  const server: Server = createServer(createApp({ config, store }).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    store,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

export interface E2e extends TestServer {
  name: BrowserName;
  browser: Browser;
}

/** The server and one browser, shared by a file's tests; each test opens its own pages. */
export async function startE2e(name: BrowserName, env: Record<string, string> = {}): Promise<E2e> {
  const server = await startServer(env);
  const browser = await launchBrowser(name);
  return {
    ...server,
    name,
    browser,
    async close() {
      await browser.close();
      await server.close();
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
  /** Uncaught exceptions: must stay empty. */
  problems: string[];
  /** CSP and Trusted Types violations the page saw (`securitypolicyviolation`): must stay empty. */
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** 720x560 unless given: a phone is 390x844. */
  viewport?: { width: number; height: number };
}

/** A fresh browser context (own storage, own seat) opening `url`. */
export async function openPage(browser: Browser, url: string, options: OpenOptions = {}): Promise<ChatPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ ...(options.viewport ?? { width: 720, height: 560 }), deviceScaleFactor: 1 });
  const dialogs: string[] = [];
  const scripts: string[] = [];
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error instanceof Error ? error.message : String(error)));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    // By URL: Firefox's BiDi requests carry no resource type.
    if (/\.js(\?|$)/.test(request.url())) scripts.push(request.url());
  });
  // The page's own report of what its policy blocked, the same in every browser.
  await page.evaluateOnNewDocument(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__violations', { value: seen });
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  // Firefox throttles a tab that is not in front; a test drives whichever page it just opened.
  await page.bringToFront();
  await page.goto(url);
  return {
    context,
    page,
    dialogs,
    scripts,
    problems,
    violations: () => page.evaluate(() => [...((window as unknown as { __violations?: string[] }).__violations ?? [])]),
    close: () => context.close(),
  };
}

/** Fills the inline name form and waits until the chat is on screen. */
export async function joinAs(chat: ChatPage, name: string): Promise<void> {
  await chat.page.bringToFront();
  await chat.page.waitForSelector('#name');
  await chat.page.$eval('#name', (input) => {
    (input as HTMLInputElement).value = '';
  });
  await chat.page.type('#name', name);
  await chat.page.click('button.join');
  await chat.page.waitForSelector('.chat');
}

/** A room of `seats` made through the API, as a page URL. */
export async function newRoom(baseUrl: string, seats = 2): Promise<string> {
  const response = await fetch(`${baseUrl}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ capacity: seats }) });
  if (response.status !== 201) throw new Error(`POST /rooms answered ${response.status}: ${await response.text()}`);
  const { url } = (await response.json()) as { url: string };
  return `${baseUrl}${url}`;
}

/** Text of the first lane above yours (the other participant's). */
export function otherLane(page: Page): Promise<string> {
  return page.$eval('.others .lane-text', (node) => node.textContent ?? '');
}

export function ownLane(page: Page): Promise<string> {
  return page.$eval('.lane.self .lane-text', (node) => node.textContent ?? '');
}

/** Waits until the first other lane's text satisfies `test` (given as the text it must equal or end with). */
export async function untilOtherLane(page: Page, expected: { is?: string; endsWith?: string }, timeoutMs = 8000): Promise<void> {
  await page.waitForFunction(
    (is, endsWith) => {
      const text = document.querySelector('.others .lane-text')?.textContent;
      if (text == null) return false;
      return is !== null ? text === is : text.endsWith(endsWith ?? '');
    },
    { timeout: timeoutMs, polling: 20 },
    expected.is ?? null,
    expected.endsWith ?? null,
  );
}

/**
 * Starts recording every character that appears in others' lanes, in order (lanes keep
 * only their newest characters, so a long paste must be watched as it arrives).
 */
export async function recordArrivals(page: Page): Promise<() => Promise<string>> {
  await page.evaluate(() => {
    // One entry per observer callback: what one write to the lanes added.
    const got: string[] = [];
    Object.defineProperty(window, '__arrived', { value: got, configurable: true });
    new MutationObserver((records) => {
      let piece = '';
      for (const record of records) {
        // By the lane it went into: a long paste's first characters may already have been trimmed away.
        if (!(record.target instanceof HTMLElement) || !record.target.closest('.others')) continue;
        for (const node of record.addedNodes) {
          if (node instanceof HTMLElement && node.classList.contains('ch')) piece += node.textContent ?? '';
        }
      }
      if (piece !== '') got.push(piece);
    }).observe(document.body, { childList: true, subtree: true });
  });
  return async () => (await arrivedPieces(page)).join('');
}

/** What recordArrivals saw, piece by piece as the page wrote it (a paste shown at once is one piece). */
export function arrivedPieces(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((window as unknown as { __arrived?: string[] }).__arrived ?? [])]);
}

/** Types `text` as one insertion (what a paste does): one beforeinput/input pair in a real editing command. */
export async function paste(page: Page, text: string): Promise<void> {
  await page.focus('textarea.typing');
  await page.evaluate((t) => {
    document.execCommand('insertText', false, t);
  }, text);
}

/** Makes the page believe its tab was hidden or shown (headless tabs never are). */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((isHidden) => {
    Object.defineProperty(document, 'visibilityState', { value: isHidden ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: isHidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** Waits until `text` appears anywhere in the page's body. */
export async function untilText(page: Page, text: string, timeoutMs = 8000): Promise<void> {
  await page.waitForFunction((t) => document.body.textContent?.includes(t) ?? false, { timeout: timeoutMs, polling: 50 }, text);
}

let axeSource: string | undefined;

/** Runs axe-core in the page (injected through the driver, which the page's CSP does not govern); returns violations. */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/**
 * The server and browser of one describe block: started before its tests, closed after. The
 * value stands for the live E2e inside the block's tests (using it outside them throws).
 */
export function e2eSuite(name: BrowserName): E2e {
  let live: E2e | undefined;
  beforeAll(async () => {
    live = await startE2e(name);
  }, 60_000);
  afterAll(async () => {
    await live?.close();
  });
  return new Proxy({} as E2e, {
    get(_target, key) {
      if (live === undefined) throw new Error('e2e is used outside the tests of its describe block');
      const value: unknown = Reflect.get(live, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(live) : value;
    },
  });
}

/** A fresh two-seat room with Ann (in `viewport`, if given) and Bo in it, once Ann has seen Bo join. */
export async function pairIn(e2e: E2e, viewport?: { width: number; height: number }): Promise<{ ann: ChatPage; bo: ChatPage; roomUrl: string }> {
  const roomUrl = await newRoom(e2e.baseUrl);
  const ann = await openPage(e2e.browser, roomUrl, { viewport });
  await joinAs(ann, 'Ann');
  const bo = await openPage(e2e.browser, roomUrl);
  await joinAs(bo, 'Bo');
  await untilText(ann.page, 'Bo joined');
  return { ann, bo, roomUrl };
}

/** Makes the page's API requests fail as a dead network would; returns the function that ends the outage. */
export async function goOffline(page: Page): Promise<() => void> {
  await page.setRequestInterception(true);
  let offline = true;
  page.on('request', (request) => {
    if (offline && request.url().includes('/rooms/')) void request.abort('internetdisconnected');
    else void request.continue();
  });
  return () => {
    offline = false;
  };
}

/** Closes pages after checking each ran clean: no page error, no CSP violation, no dialog. */
export async function closeChecked(...pages: ChatPage[]): Promise<void> {
  for (const chat of pages) {
    expect(chat.problems).toEqual([]);
    expect(await chat.violations()).toEqual([]);
    expect(chat.dialogs).toEqual([]);
    await chat.close();
  }
}
