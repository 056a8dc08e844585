// Takes docs/screenshot.png, the README's picture: a group room of four, three of them
// typing, as the first of them sees it. Run by `npm run screenshot` (not a test: it
// asserts nothing and rewrites a tracked file, so it runs only when asked).
import { joinAs, launchBrowser, newRoom, openPage, startServer, untilText } from '../test/e2e/browser-harness.js';

const OUTPUT = 'docs/screenshot.png';

const server = await startServer();
const browser = await launchBrowser('chromium');
try {
  const roomUrl = await newRoom(server.baseUrl, 4);
  const viewport = { width: 900, height: 620 };
  const ann = await openPage(browser, roomUrl, { viewport });
  await joinAs(ann, 'Ann');
  const bo = await openPage(browser, roomUrl);
  await joinAs(bo, 'Bo');
  const cy = await openPage(browser, roomUrl);
  await joinAs(cy, 'Cy');
  await untilText(ann.page, '3 of 4 here');
  // The notices ("Cy joined") go by before people talk; keep them out of the picture.
  await ann.page.waitForFunction(() => document.querySelectorAll('.passing .notice').length === 0, { timeout: 8000 });
  await bo.page.keyboard.type('did everyone get the link?');
  await cy.page.keyboard.type('yes! shall we start');
  await ann.page.keyboard.type('waiting for Di');
  await ann.page.waitForFunction(
    () => [...document.querySelectorAll('.others .lane-text')].map((n) => n.textContent).join('|') === 'did everyone get the link?|yes! shall we start',
    { timeout: 8000 },
  );
  await ann.page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await server.close();
}
