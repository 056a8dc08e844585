/**
 * How long text stays on screen, shared by every display (the browser page and the
 * terminal) so a word vanishes at the same moment wherever it is read.
 */

/** How long a character stays fully visible: long enough to read a word as it is typed. */
export const LINGER_MS = 2500;
/** Then it fades over this long before it leaves the screen. */
export const FADE_MS = 1000;
/** A terminal lane keeps this many recent characters (about one wide line); the browser's three-line lanes keep more. */
export const LANE_MAX_CHARS = 80;
/** A passing notice ("Bo joined") stays this long: time to read five words. */
export const NOTICE_MS = 4000;
