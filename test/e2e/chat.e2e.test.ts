import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FADE_MS, LINGER_MS } from '../../client/browser/lane-board.js';
import { hasChromium, joinAs, openPage, otherLane, ownLane, setHidden, startE2e, type ChatPage, type E2e } from './browser-harness.js';

// One line, then skip: CI installs Chromium (.ci/run), a laptop may not have it.
if (!hasChromium) process.stderr.write('e2e: /usr/bin/chromium not found, skipping browser tests\n');

// The bound: a keystroke shows on the other screen within one second.
const DELIVERY_BUDGET_MS = 1000;
const XSS = '<img src=x onerror=alert(1)>';
const timings: Record<string, number> = {};

describe.skipIf(!hasChromium)('the chat page in Chromium', { timeout: 30_000 }, () => {
  let e2e: E2e;
  let ann: ChatPage;
  let bo: ChatPage;
  let roomUrl: string;

  beforeAll(async () => {
    e2e = await startE2e();
    ann = await openPage(e2e, `${e2e.baseUrl}/`);
    roomUrl = ann.page.url();
    await joinAs(ann, 'Ann');
    // Bo's clock is Playwright's: time flows as usual but the test can jump over the linger.
    bo = await openPage(e2e, roomUrl, { fakeClock: true });
    await joinAs(bo, 'Bo');
    await ann.page.getByText('Bo joined').waitFor();
  }, 60_000);

  afterAll(async () => {
    await e2e?.close();
    await mkdir('test/artifacts', { recursive: true });
    await writeFile('test/artifacts/e2e-timings.json', `${JSON.stringify(timings, null, 2)}\n`);
  });

  it('loads exactly one script, the hashed bundle', () => {
    expect(ann.scripts).toHaveLength(1);
    expect(ann.scripts[0]).toMatch(/\/assets\/main-[A-Z0-9]+\.js$/);
  });

  it('shows a keystroke on the other screen within one second', async () => {
    const started = Date.now();
    await ann.page.keyboard.type('h');
    await bo.page.waitForFunction(() => document.querySelector('.others .lane-text')?.textContent === 'h', null, { polling: 'raf' });
    timings.firstKeystrokeMs = Date.now() - started;
    expect(timings.firstKeystrokeMs).toBeLessThan(DELIVERY_BUDGET_MS);
    const typed = Date.now();
    await ann.page.keyboard.type('ello there');
    await bo.page.waitForFunction(() => document.querySelector('.others .lane-text')?.textContent === 'hello there', null, { polling: 'raf' });
    timings.typeTenCharsUntilShownMs = Date.now() - typed;
    expect(await ownLane(ann.page)).toBe('hello there');
  });

  it('removes the text from the other page once it has lingered and faded', async () => {
    await bo.page.clock.runFor(LINGER_MS + FADE_MS);
    await bo.page.waitForFunction(() => document.querySelectorAll('.ch').length === 0);
    expect(await otherLane(bo.page)).toBe('');
    expect(await bo.page.evaluate(() => document.body.textContent)).not.toContain('hello');
  });

  it('takes a screenshot of a live conversation for the README', async () => {
    await ann.page.keyboard.type('are you there?');
    await bo.page.waitForFunction(() => document.querySelector('.others .lane-text')?.textContent?.endsWith('there?'));
    await bo.page.keyboard.type('yes! this fades in a moment');
    await bo.page.waitForTimeout(150); // let the last characters paint
    await bo.page.screenshot({ path: 'docs/screenshot.png' });
  });

  it('removes nothing on Backspace, Delete, cut, undo or select-and-type', async () => {
    await bo.page.clock.runFor(LINGER_MS + FADE_MS);
    await ann.page.keyboard.type('abc');
    for (const key of ['Backspace', 'Backspace', 'Delete', 'Control+A', 'Control+X', 'Control+Z', 'Backspace']) await ann.page.keyboard.press(key);
    await ann.page.keyboard.type('d');
    await bo.page.waitForFunction(() => document.querySelector('.others .lane-text')?.textContent?.endsWith('abcd'));
    expect((await otherLane(bo.page)).endsWith('abcd')).toBe(true);
    expect((await ownLane(ann.page)).endsWith('abcd')).toBe(true);
  });

  it('says "tabbed away" when the other tab is hidden, and "is back" when it returns', async () => {
    await setHidden(bo.page, true);
    await ann.page.getByText("Bo tabbed away and won't see your messages").waitFor({ timeout: 3000 });
    await setHidden(bo.page, false);
    await ann.page.getByText('Bo is back').waitFor({ timeout: 3000 });
  });

  it('starts a new line on Enter and focuses the field on a tap anywhere', async () => {
    await bo.page.clock.runFor(LINGER_MS + FADE_MS);
    await ann.page.locator('.board').click({ position: { x: 5, y: 5 } });
    await ann.page.keyboard.type('one');
    await ann.page.keyboard.press('Enter');
    await ann.page.keyboard.type('two');
    await bo.page.waitForFunction(() => document.querySelector('.others .lane-text')?.textContent?.endsWith('two'));
    expect(await otherLane(bo.page)).toBe('one\ntwo');
  });

  it('says "Reconnecting…" while offline and delivers what was typed once, when back', async () => {
    await bo.page.clock.runFor(LINGER_MS + FADE_MS);
    await ann.context.setOffline(true);
    await ann.page.keyboard.type('xyz');
    await ann.page.getByText('Reconnecting…').waitFor({ timeout: 5000 });
    await ann.context.setOffline(false);
    const back = Date.now();
    await bo.page.waitForFunction(() => document.querySelector('.others .lane-text')?.textContent === 'xyz', null, { timeout: 8000 });
    timings.offlineTextDeliveredAfterReconnectMs = Date.now() - back;
    await ann.page.getByText('Reconnecting…').waitFor({ state: 'hidden', timeout: 8000 });
    expect(await otherLane(bo.page)).toBe('xyz');
  });

  it('shows the third visitor to a two-seat room the full view', async () => {
    const cy = await openPage(e2e, roomUrl);
    await cy.page.getByText('This chat is full').waitFor();
    expect(await cy.page.locator('a.new-chat').getAttribute('href')).toBe('/');
    await cy.context.close();
  });

  it('says "<name> left the chat" when the other page goes away', async () => {
    await bo.page.goto(`${e2e.baseUrl}/about`);
    await ann.page.getByText('Bo left the chat').waitFor({ timeout: 3000 });
    await ann.page.getByText("Your friend hasn't joined yet").waitFor();
    // Coming back, the name form remembers the name used last time.
    await bo.page.goto(roomUrl);
    expect(await bo.page.locator('#name').inputValue()).toBe('Bo');
  });

  it('renders a hostile name and text literally and runs nothing', async () => {
    const mallory = await openPage(e2e, roomUrl);
    // A first visit suggests a friendly generated name.
    expect(await mallory.page.locator('#name').inputValue()).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    await joinAs(mallory, XSS);
    await ann.page.getByText(`${XSS} joined`).waitFor();
    await mallory.page.keyboard.type(XSS);
    await ann.page.waitForFunction((text) => document.querySelector('.others .lane-text')?.textContent === text, XSS);
    expect(await ann.page.locator('.others .lane-name').first().textContent()).toBe(XSS);
    expect(await ann.page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(await mallory.page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect([...ann.dialogs, ...mallory.dialogs]).toEqual([]);
    await mallory.context.close();
  });

  it('with prefers-reduced-motion, lets characters vanish without a fade', async () => {
    const still = await openPage(e2e, `${e2e.baseUrl}/`, { fakeClock: true, reducedMotion: true });
    await joinAs(still, 'Still');
    await still.page.keyboard.type('calm');
    await still.page.clock.runFor(LINGER_MS);
    expect(await still.page.locator('.lane.self .ch').count()).toBe(4);
    expect(await still.page.locator('.ch.fading').count()).toBe(0);
    await still.page.clock.runFor(FADE_MS);
    expect(await ownLane(still.page)).toBe('');
    await still.context.close();
  });

  it('runs under the server’s Trusted Types policy, so no string ever reaches an HTML sink', async () => {
    const created = (await (await fetch(`${e2e.baseUrl}/rooms`, { method: 'POST' })).json()) as { url: string };
    const strict = await openPage(e2e, `${e2e.baseUrl}${created.url}`);
    await joinAs(strict, XSS);
    await strict.page.keyboard.type(`${XSS}\n`);
    const sinkBlocked = await strict.page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<b>x</b>');
        return false;
      } catch {
        return true;
      }
    });
    expect(sinkBlocked).toBe(true);
    expect(await ownLane(strict.page)).toBe(`${XSS}\n`);
    expect(strict.problems).toEqual([]);
    await strict.context.close();
  });

  it('raised no script errors and no CSP violation on any chat page', () => {
    expect([...ann.problems, ...bo.problems]).toEqual([]);
  });

  it('answers an unknown room with the vanished page', async () => {
    const stranger = await e2e.browser.newPage();
    const response = await stranger.goto(`${e2e.baseUrl}/AAAAAAAAAAAAAAAA`);
    expect(response?.status()).toBe(404);
    await stranger.getByText('This chat has vanished').waitFor();
    expect(await stranger.locator('a.new-chat').getAttribute('href')).toBe('/');
    await stranger.close();
  });
});
