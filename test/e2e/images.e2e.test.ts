import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, joinAs, openPage, startE2e, type ChatPage, type E2e } from './browser-harness.js';

if (!hasChromium) process.stderr.write('e2e: /usr/bin/chromium not found, skipping image browser tests\n');

// The bound: a pasted picture shows on the other screen within one second.
const DELIVERY_BUDGET_MS = 1000;
// A short life, so the test sees the picture vanish in real time.
const TTL_MS = 4000;

/** Pastes a freshly drawn 640×480 PNG into the page, as a user pasting a screenshot would. */
async function pasteImage(chat: ChatPage): Promise<void> {
  await chat.page.evaluate(async () => {
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
    document.querySelector('textarea')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

/** Whether the page can still load `url` as an image (a revoked blob: URL cannot be). The CSP allows img-src blob:, not connect-src. */
function readable(chat: ChatPage, url: string): Promise<boolean> {
  return chat.page.evaluate(
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

describe.skipIf(!hasChromium)('shared images in Chromium', { timeout: 30_000 }, () => {
  let e2e: E2e;
  let ann: ChatPage;
  let bo: ChatPage;

  beforeAll(async () => {
    e2e = await startE2e({ MESSAGE_TTL_MS: String(TTL_MS) });
    ann = await openPage(e2e, `${e2e.baseUrl}/`);
    await joinAs(ann, 'Ann');
    bo = await openPage(e2e, ann.page.url());
    await joinAs(bo, 'Bo');
    await ann.page.getByText('Bo joined').waitFor();
  }, 60_000);

  afterAll(() => e2e?.close());

  it('shows a pasted picture on the other page within a second, then removes it and revokes its blob: URL', async () => {
    const button = ann.page.getByRole('button', { name: /share an image/i });
    expect(await button.isVisible()).toBe(true);

    const started = Date.now();
    await pasteImage(ann);
    const shown = bo.page.locator('.others img.shared-image-img');
    await shown.waitFor({ state: 'attached', timeout: DELIVERY_BUDGET_MS * 5 });
    await bo.page.waitForFunction(() => (document.querySelector('.others img.shared-image-img') as HTMLImageElement | null)?.naturalWidth === 640);
    const deliveredMs = Date.now() - started;
    process.stdout.write(`image e2e: pasted to shown on the other page in ${deliveredMs} ms\n`);
    expect(deliveredMs).toBeLessThan(DELIVERY_BUDGET_MS);

    expect(await shown.getAttribute('alt')).toBe('Ann shared an image');
    const boUrl = (await shown.getAttribute('src'))!;
    expect(boUrl).toMatch(/^blob:/);
    const ownImage = ann.page.locator('.lane.self img.shared-image-img');
    const annUrl = (await ownImage.getAttribute('src'))!;
    expect(annUrl).toMatch(/^blob:/);
    expect(await readable(bo, boUrl)).toBe(true); // while shown, the URL works: the check below can fail

    await bo.page.waitForFunction(() => document.querySelector('img.shared-image-img') === null, null, { timeout: TTL_MS + 2000 });
    await ann.page.waitForFunction(() => document.querySelector('img.shared-image-img') === null, null, { timeout: TTL_MS + 2000 });
    expect(await readable(bo, boUrl)).toBe(false);
    expect(await readable(ann, annUrl)).toBe(false);
  });

  it('keeps nothing in Cache Storage or IndexedDB, and violated no CSP', async () => {
    for (const chat of [ann, bo]) {
      expect(await chat.page.evaluate(() => caches.keys())).toEqual([]);
      expect(await chat.page.evaluate(() => indexedDB.databases())).toEqual([]);
      expect(chat.problems).toEqual([]);
    }
  });
});
