import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSERS, joinAs, openPage, startE2e, untilText, type ChatPage, type E2e } from './browser-harness.js';

// The bound is one second; the wait allows more so a loaded CI machine fails on a
// missing picture, not a slow one. The latency is logged, not asserted (speed is for benchmarks).
const DELIVERY_WAIT_MS = 5000;
// A short life, so the test sees the picture vanish in real time.
const TTL_MS = 4000;
// The picture leaves within its life; a little more for the poll that brings it.
const GONE_WITHIN_MS = TTL_MS + 2000;

/** Pastes a freshly drawn 640×480 PNG into the typing field, as a user pasting a screenshot would. */
async function pasteImage(page: Page): Promise<void> {
  await page.bringToFront();
  await page.focus('textarea.typing');
  await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#e33';
    context.fillRect(0, 0, 640, 480);
    context.fillStyle = '#33e';
    context.fillRect(100, 100, 200, 150);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'screenshot.png', { type: 'image/png' }));
    document.querySelector('textarea.typing')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

/** Whether the page can still load `url` as an image (a revoked blob: URL cannot be). The CSP allows img-src blob:, not connect-src. */
function readable(page: Page, url: string): Promise<boolean> {
  return page.evaluate(
    (u) =>
      new Promise<boolean>((resolve) => {
        const probe = new Image();
        probe.onload = () => resolve(true);
        probe.onerror = () => resolve(false);
        probe.src = u;
      }),
    url,
  );
}

/**
 * Whether a visible button is named like `name` (its aria-label, else its text): the DOM's
 * view of the accessible name, the same in both browsers (Firefox's BiDi has no accessibility tree).
 */
function visibleButtonNamed(page: Page, name: RegExp): Promise<boolean> {
  return page.evaluate(
    (source, flags) => {
      const pattern = new RegExp(source, flags);
      return [...document.querySelectorAll<HTMLElement>('button, [role=button]')].some((button) => {
        const label = button.getAttribute('aria-label') ?? button.textContent ?? '';
        const box = button.getBoundingClientRect();
        return pattern.test(label) && button.checkVisibility({ visibilityProperty: true }) && box.width > 0 && box.height > 0;
      });
    },
    name.source,
    name.flags,
  );
}

function srcOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (img) => img.getAttribute('src') ?? '');
}

// Chromium only. Firefox gives a script-made ClipboardEvent (or DragEvent) a new, empty
// DataTransfer, so a synthetic paste carries no file; and headless Firefox's clipboard does
// not hand an image written with navigator.clipboard.write back to Ctrl+V. Neither can paste
// a picture there honestly (both tried, on Firefox ESR 153).
const name = 'chromium';
const hasChromium = BROWSERS.includes(name);

describe.skipIf(!hasChromium)(`shared images in ${name}`, () => {
  let e2e: E2e;
  let ann: ChatPage;
  let bo: ChatPage;

  beforeAll(async () => {
    e2e = await startE2e(name, { MESSAGE_TTL_MS: String(TTL_MS) });
    ann = await openPage(e2e.browser, `${e2e.baseUrl}/`);
    await joinAs(ann, 'Ann');
    bo = await openPage(e2e.browser, ann.page.url());
    await joinAs(bo, 'Bo');
    await untilText(ann.page, 'Bo joined');
  }, 60_000);

  afterAll(async () => {
    await e2e?.close();
  });

  it('shows a pasted picture on the other page, then removes it and revokes its blob: URL', { timeout: 30_000 }, async () => {
    expect(await visibleButtonNamed(ann.page, /share an image/i)).toBe(true);

    const started = performance.now();
    await pasteImage(ann.page);
    await bo.page.waitForFunction(
      () => (document.querySelector('.others img.shared-image-img') as HTMLImageElement | null)?.naturalWidth === 640,
      { timeout: DELIVERY_WAIT_MS, polling: 20 },
    );
    const deliveredMs = Math.round(performance.now() - started);
    process.stderr.write(`e2e image (${name}): pasted to shown on the other page in ${deliveredMs} ms\n`);

    expect(await bo.page.$eval('.others img.shared-image-img', (img) => img.getAttribute('alt'))).toBe('Ann shared an image');
    const boUrl = await srcOf(bo.page, '.others img.shared-image-img');
    expect(boUrl).toMatch(/^blob:/);
    const annUrl = await srcOf(ann.page, '.lane.self img.shared-image-img');
    expect(annUrl).toMatch(/^blob:/);
    // While shown, both URLs load: the checks below can fail.
    expect(await readable(bo.page, boUrl)).toBe(true);
    expect(await readable(ann.page, annUrl)).toBe(true);

    for (const page of [bo.page, ann.page]) {
      await page.waitForFunction(() => document.querySelector('img.shared-image-img') === null, { timeout: GONE_WITHIN_MS });
    }
    expect(await readable(bo.page, boUrl)).toBe(false);
    expect(await readable(ann.page, annUrl)).toBe(false);
  });

  it('keeps nothing in Cache Storage or IndexedDB, and violated no CSP', async () => {
    for (const chat of [ann, bo]) {
      expect(await chat.page.evaluate(() => caches.keys())).toEqual([]);
      expect(await chat.page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name))).toEqual([]);
      expect(chat.problems).toEqual([]);
      expect(await chat.violations()).toEqual([]);
      expect(chat.dialogs).toEqual([]);
    }
  });
});
