import { describe, expect, it } from 'vitest';
import {
  axeViolations,
  BROWSERS,
  closeChecked,
  e2eSuite,
  goOffline,
  pairIn,
  untilOtherLane,
  untilText,
  type ChatPage,
} from './browser-harness.js';

// Issue 11 problem 6: a partner's outage was invisible, and what they typed in it arrived as if live.
describe.each(BROWSERS)('partner connection state in %s', (name) => {
  const e2e = e2eSuite(name);

  /** Each character of the other lane's text, with whether it is marked late. */
  const otherChars = (chat: ChatPage) =>
    chat.page.$$eval('.others .lane-text .ch', (nodes) => nodes.map((n) => ({ ch: n.textContent ?? '', late: n.classList.contains('late') })));

  it('6. tells the others that a partner\'s connection is unstable, marks what they typed in the outage late, and clears on steady', { timeout: 90_000 }, async () => {
    const { ann, bo } = await pairIn(e2e);
    const backOnline = await goOffline(bo.page);
    // Bo's held poll runs out its hold (POLL_HOLD_MS 5 s here), then UNSTABLE_AFTER_MS (4 s) passes with no poll.
    await untilText(ann.page, "Bo's connection is unstable", 30_000);
    expect(await ann.page.$eval('.partner-unstable', (n) => n.closest('[aria-live]')?.getAttribute('aria-live'))).toBe('polite');
    expect(await axeViolations(ann.page)).toEqual([]);

    await bo.page.bringToFront();
    await bo.page.keyboard.type('in a tunnel');
    backOnline();
    await untilOtherLane(ann.page, { endsWith: 'in a tunnel' }, 20_000);
    expect((await otherChars(ann)).every((c) => c.late)).toBe(true);
    await untilText(ann.page, 'it arrived late');
    // The screen reader's line names it late too (said once the phrase pauses).
    await ann.page.waitForFunction(() => document.querySelector('.speech-log')?.textContent?.includes('Bo (late): in a tunnel') ?? false, { timeout: 10_000 });
    await ann.page.waitForFunction(() => document.querySelector('.partner-unstable') === null, { timeout: 20_000 });

    await bo.page.keyboard.type(' live');
    await untilOtherLane(ann.page, { endsWith: ' live' }, 10_000);
    const chars = await otherChars(ann);
    expect(chars.slice(-5).map((c) => c.late)).toEqual([false, false, false, false, false]);
    await closeChecked(ann, bo);
  });
});
