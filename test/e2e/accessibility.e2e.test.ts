import { describe, expect, it } from 'vitest';
import { axeViolations, BROWSERS, joinAs, newRoom, openPage, setHidden, e2eSuite, untilOtherLane, untilText } from './browser-harness.js';

// axe-core on every state a person can see, in every browser present: no violation of any impact.
describe.each(BROWSERS)('accessibility in %s', (name) => {
  const e2e = e2eSuite(name);

  it('reports a violation when there is one (so an empty list means something)', { timeout: 30_000 }, async () => {
    const about = await openPage(e2e.browser, `${e2e.baseUrl}/about`);
    await about.page.evaluate(() => {
      const unlabelled = document.createElement('input');
      document.querySelector('main')?.append(unlabelled);
    });
    expect((await axeViolations(about.page)).join('\n')).toMatch(/^critical label:/m);
    await about.close();
  });

  it('has no axe violation on the name prompt, waiting, chatting, partner away and partner left', { timeout: 60_000 }, async () => {
    const ann = await openPage(e2e.browser, `${e2e.baseUrl}/`);
    const roomUrl = ann.page.url();
    await ann.page.waitForSelector('#name');
    expect({ state: 'name prompt', violations: await axeViolations(ann.page) }).toEqual({ state: 'name prompt', violations: [] });
    await joinAs(ann, 'Ann');
    await untilText(ann.page, "Your friend hasn't joined yet");
    expect({ state: 'waiting', violations: await axeViolations(ann.page) }).toEqual({ state: 'waiting', violations: [] });

    const bo = await openPage(e2e.browser, roomUrl);
    await joinAs(bo, 'Bo');
    await untilText(ann.page, 'Bo joined');
    await bo.page.keyboard.type('hello, can you read this?');
    await untilOtherLane(ann.page, { endsWith: 'this?' });
    await ann.page.keyboard.type('yes');
    expect({ state: 'chatting', violations: await axeViolations(ann.page) }).toEqual({ state: 'chatting', violations: [] });

    await setHidden(bo.page, true);
    await untilText(ann.page, 'Bo tabbed away');
    expect({ state: 'partner away', violations: await axeViolations(ann.page) }).toEqual({ state: 'partner away', violations: [] });

    await bo.close();
    await untilText(ann.page, 'Bo left the chat', 20_000);
    expect({ state: 'partner left', violations: await axeViolations(ann.page) }).toEqual({ state: 'partner left', violations: [] });
    expect(await ann.violations()).toEqual([]);
    await ann.close();
  });

  it('has no axe violation on a group room, the full, vanished and about pages', { timeout: 60_000 }, async () => {
    const roomUrl = await newRoom(e2e.baseUrl, 3);
    const pages = [];
    for (const who of ['Ann', 'Bo', 'Cy']) {
      const chat = await openPage(e2e.browser, roomUrl);
      await joinAs(chat, who);
      pages.push(chat);
    }
    await pages[0]!.page.waitForFunction(() => document.querySelectorAll('.others .lane').length === 2, { timeout: 8000 });
    expect({ state: 'group', violations: await axeViolations(pages[0]!.page) }).toEqual({ state: 'group', violations: [] });

    const late = await openPage(e2e.browser, roomUrl);
    await late.page.waitForSelector('.end-view.full');
    expect({ state: 'full', violations: await axeViolations(late.page) }).toEqual({ state: 'full', violations: [] });

    await late.page.goto(`${e2e.baseUrl}/AAAAAAAAAAAAAAAA`);
    await late.page.waitForSelector('.end-view.vanished');
    expect({ state: 'vanished', violations: await axeViolations(late.page) }).toEqual({ state: 'vanished', violations: [] });

    await late.page.goto(`${e2e.baseUrl}/about`);
    await late.page.waitForSelector('.about');
    expect({ state: 'about', violations: await axeViolations(late.page) }).toEqual({ state: 'about', violations: [] });
    for (const chat of [...pages, late]) await chat.close();
  });
});
