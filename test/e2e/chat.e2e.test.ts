import { describe, expect, it } from 'vitest';
import { FADE_MS, LINGER_MS } from '../../client/browser/lane-board.js';
import { PHRASE_PAUSE_MS, SPOKEN_LINE_MS } from '../../client/browser/speech-log.js';
import {
  BROWSERS,
  closeChecked,
  e2eSuite,
  goOffline,
  joinAs,
  launchBrowser,
  newRoom,
  openPage,
  otherLane,
  ownLane,
  setHidden,
  untilOtherLane,
  untilText,
  type ChatPage,
} from './browser-harness.js';

const XSS = '<img src=x onerror=alert(1)>';
// Text is gone LINGER_MS + FADE_MS after its burst; a little more for the poll to bring it.
const GONE_WITHIN_MS = LINGER_MS + FADE_MS + 3000;

describe.each(BROWSERS)('the chat page in %s', (name) => {
  const e2e = e2eSuite(name);
  const opened: ChatPage[] = [];


  const open = async (url: string, options?: Parameters<typeof openPage>[2]): Promise<ChatPage> => {
    const chat = await openPage(e2e.browser, url, options);
    opened.push(chat);
    return chat;
  };

  /** Ann opens `/` (a fresh room), Bo follows her link; both in the chat. */
  const pair = async (): Promise<{ ann: ChatPage; bo: ChatPage; roomUrl: string }> => {
    const ann = await open(`${e2e.baseUrl}/`);
    const roomUrl = ann.page.url();
    await joinAs(ann, 'Ann');
    const bo = await open(roomUrl);
    await joinAs(bo, 'Bo');
    await untilText(ann.page, 'Bo joined');
    return { ann, bo, roomUrl };
  };

  const closeAll = closeChecked;

  it('loads exactly one script, the hashed bundle', { timeout: 30_000 }, async () => {
    const ann = await open(`${e2e.baseUrl}/`);
    await ann.page.waitForSelector('#name');
    expect(ann.scripts).toHaveLength(1);
    expect(ann.scripts[0]).toMatch(/\/assets\/main-[A-Z0-9]+\.js$/);
    await closeAll(ann);
  });

  it('shows each keystroke on the other screen, in both directions', { timeout: 30_000 }, async () => {
    const { ann, bo } = await pair();
    await ann.page.keyboard.type('hello there');
    await untilOtherLane(bo.page, { is: 'hello there' });
    expect(await ownLane(ann.page)).toBe('hello there');
    await bo.page.keyboard.type('hi Ann');
    await untilOtherLane(ann.page, { is: 'hi Ann' });
    await closeAll(ann, bo);
  });

  it('removes the text from both pages once it has lingered and faded', { timeout: 30_000 }, async () => {
    const { ann, bo } = await pair();
    await ann.page.keyboard.type('vanishing');
    await untilOtherLane(bo.page, { is: 'vanishing' });
    await bo.page.waitForFunction(() => document.querySelectorAll('.ch').length === 0, { timeout: GONE_WITHIN_MS });
    await ann.page.waitForFunction(() => document.querySelectorAll('.ch').length === 0, { timeout: GONE_WITHIN_MS });
    // The screen readers' log keeps its line as long as the text stayed on screen, then drops it too.
    await bo.page.waitForFunction(() => !document.body.textContent?.includes('vanishing'), { timeout: PHRASE_PAUSE_MS + SPOKEN_LINE_MS + 1000 });
    await closeAll(ann, bo);
  });

  it('removes nothing on Backspace, Delete, cut, undo or select-and-type', { timeout: 30_000 }, async () => {
    const { ann, bo } = await pair();
    await ann.page.keyboard.type('abc');
    for (const key of ['Backspace', 'Backspace', 'Delete'] as const) await ann.page.keyboard.press(key);
    for (const combo of ['a', 'x', 'z']) {
      await ann.page.keyboard.down('Control');
      await ann.page.keyboard.press(combo as 'a');
      await ann.page.keyboard.up('Control');
    }
    await ann.page.keyboard.press('Backspace');
    await ann.page.keyboard.type('d');
    await untilOtherLane(bo.page, { endsWith: 'abcd' });
    expect(await otherLane(bo.page)).toBe('abcd');
    expect(await ownLane(ann.page)).toBe('abcd');
    await closeAll(ann, bo);
  });

  it('says "tabbed away" when the other tab is hidden, and "is back" when it returns', { timeout: 30_000 }, async () => {
    const { ann, bo } = await pair();
    await setHidden(bo.page, true);
    await untilText(ann.page, "Bo tabbed away and won't see your messages");
    await setHidden(bo.page, false);
    await untilText(ann.page, 'Bo is back');
    await closeAll(ann, bo);
  });

  it('starts a new line on Enter and focuses the field on a tap anywhere', { timeout: 30_000 }, async () => {
    const { ann, bo } = await pair();
    await ann.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await ann.page.click('.board');
    await ann.page.keyboard.type('one');
    await ann.page.keyboard.press('Enter');
    await ann.page.keyboard.type('two');
    await untilOtherLane(bo.page, { endsWith: 'two' });
    expect(await otherLane(bo.page)).toBe('one\ntwo');
    await closeAll(ann, bo);
  });

  it('says "Reconnecting…" while the server is unreachable and delivers what was typed once, when back', { timeout: 40_000 }, async () => {
    const { ann, bo } = await pair();
    // Requests to the API fail as a dead network would; the page keeps running.
    const backOnline = await goOffline(ann.page);
    await ann.page.keyboard.type('xyz');
    await untilText(ann.page, 'Reconnecting…');
    backOnline();
    await untilOtherLane(bo.page, { is: 'xyz' }, 15_000);
    await ann.page.waitForFunction(() => document.querySelector('.status')?.hasAttribute('hidden'), { timeout: 15_000 });
    expect(await otherLane(bo.page)).toBe('xyz');
    await closeAll(ann, bo);
  });

  it('shows a visitor to a full room the full view, with the focus on its heading', { timeout: 30_000 }, async () => {
    const { ann, bo, roomUrl } = await pair();
    const cy = await open(roomUrl);
    await cy.page.waitForSelector('.end-view.full');
    expect(await cy.page.$eval('h1', (h) => h.textContent)).toBe('This chat is full');
    expect(await cy.page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await cy.page.$eval('a.new-chat', (a) => a.getAttribute('href'))).toBe('/');
    await closeAll(ann, bo, cy);
  });

  it('says "<name> left the chat" when the other page goes away, and remembers the name', { timeout: 30_000 }, async () => {
    const { ann, bo, roomUrl } = await pair();
    await bo.page.goto(`${e2e.baseUrl}/about`);
    await untilText(ann.page, 'Bo left the chat');
    await untilText(ann.page, 'Nobody else is here now');
    expect(await ann.page.$eval('.invite', (node) => node.textContent)).not.toContain("hasn't joined yet");
    await bo.page.goto(roomUrl);
    await bo.page.waitForSelector('#name');
    expect(await bo.page.$eval('#name', (input) => (input as HTMLInputElement).value)).toBe('Bo');
    await closeAll(ann, bo);
  });

  it('renders a hostile name and text literally and runs nothing', { timeout: 30_000 }, async () => {
    const ann = await open(await newRoom(e2e.baseUrl));
    await joinAs(ann, 'Ann');
    const mallory = await open(ann.page.url());
    await mallory.page.waitForSelector('#name');
    // A first visit suggests a friendly generated name.
    expect(await mallory.page.$eval('#name', (input) => (input as HTMLInputElement).value)).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    await joinAs(mallory, XSS);
    await untilText(ann.page, `${XSS} joined`);
    await mallory.page.keyboard.type(XSS);
    await untilOtherLane(ann.page, { is: XSS });
    expect(await ann.page.$eval('.others .lane-name bdi', (node) => node.textContent)).toBe(XSS);
    expect(await ann.page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(await mallory.page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    await closeAll(ann, mallory);
  });

  it('with prefers-reduced-motion, lets characters vanish whole, without a fade', { timeout: 40_000 }, async () => {
    // Chromium emulates the media feature per page; Firefox needs a browser launched with the preference.
    const calmBrowser = name === 'firefox' ? await launchBrowser('firefox', { reducedMotion: true }) : e2e.browser;
    try {
      const still = await openPage(calmBrowser, await newRoom(e2e.baseUrl), {});
      if (name === 'chromium') {
        await still.page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
        await still.page.reload();
      }
      expect(await still.page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).toBe(true);
      await joinAs(still, 'Still');
      // Watch for any character that ever starts to fade.
      await still.page.evaluate(() => {
        const seen = { fading: 0 };
        Object.defineProperty(window, '__fading', { value: seen });
        new MutationObserver((records) => {
          for (const r of records) if (r.target instanceof HTMLElement && r.target.classList.contains('fading')) seen.fading += 1;
        }).observe(document.body, { attributes: true, attributeFilter: ['class'], subtree: true });
      });
      await still.page.keyboard.type('calm');
      expect(await ownLane(still.page)).toBe('calm');
      await still.page.waitForFunction(() => document.querySelectorAll('.lane.self .ch').length === 0, { timeout: GONE_WITHIN_MS });
      expect(await still.page.evaluate(() => (window as unknown as { __fading: { fading: number } }).__fading.fading)).toBe(0);
      await closeAll(still);
    } finally {
      if (calmBrowser !== e2e.browser) await calmBrowser.close();
    }
  });

  it('runs under the server’s Trusted Types policy, so no string ever reaches an HTML sink', { timeout: 30_000 }, async () => {
    const strict = await open(await newRoom(e2e.baseUrl));
    await joinAs(strict, XSS);
    await strict.page.keyboard.type(XSS);
    expect(await ownLane(strict.page)).toBe(XSS);
    expect(strict.problems).toEqual([]);
    expect(await strict.violations()).toEqual([]);
    const sinkBlocked = await strict.page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<b>x</b>');
        return false;
      } catch {
        return true;
      }
    });
    expect(sinkBlocked).toBe(true);
    // The one violation is the test's own blocked insertAdjacentHTML.
    expect(await strict.violations()).toEqual(["require-trusted-types-for trusted-types-sink"]);
    await strict.close();
  });

  it('answers an unknown room with the vanished page', { timeout: 30_000 }, async () => {
    const stranger = await open(`${e2e.baseUrl}/AAAAAAAAAAAAAAAA`);
    await stranger.page.waitForSelector('.end-view.vanished');
    expect(await stranger.page.$eval('h1', (h) => h.textContent)).toBe('This chat has vanished');
    expect(await stranger.page.$eval('a.new-chat', (a) => a.getAttribute('href'))).toBe('/');
    await closeAll(stranger);
  });
});
