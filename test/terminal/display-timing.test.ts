import { describe, expect, it } from 'vitest';
import * as shared from '../../client/core/display-timing.js';
import * as browserLanes from '../../client/browser/lane-board.js';
import * as browserNotices from '../../client/browser/notice-board.js';

// The browser keeps its own copies for now; text must vanish at the same moment on both screens.
describe('display timing', () => {
  it('is the same in the browser and the terminal', () => {
    expect(browserLanes.LINGER_MS).toBe(shared.LINGER_MS);
    expect(browserLanes.FADE_MS).toBe(shared.FADE_MS);
    expect(browserLanes.LANE_MAX_CHARS).toBe(shared.LANE_MAX_CHARS);
    expect(browserNotices.NOTICE_MS).toBe(shared.NOTICE_MS);
  });
});
