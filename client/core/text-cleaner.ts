// The rules for what a send may carry, applied by the client before sending so that a
// paste the server would refuse (400) is not lost whole. The server applies the same
// rules (issue 9: server/text-rules.ts); both should import one module once it exists.

/** More combining marks than this after one base character are dropped ("Zalgo" stacks). */
export const COMBINING_MARKS_MAX = 4;

// Control characters except tab and newline (the server refuses them), and lone
// surrogates (not encodable as UTF-8).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
// Bidi embeddings, overrides and isolates: one U+202E would reverse every lane after it.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
const COMBINING_MARK = /\p{M}/u;
const LONE_SURROGATE = /\p{Cs}/u;

export interface CleanedText {
  text: string;
  /** How many characters (code points) were left out; 0 when the text was fine as it was. */
  removed: number;
}

/**
 * Removes what cannot be sent: control characters other than tab and newline, bidi
 * controls, lone surrogates and combining marks past COMBINING_MARKS_MAX on one base.
 * Line breaks become `\n` (a paste from Windows brings `\r\n`) without counting as removed.
 */
export function cleanText(input: string): CleanedText {
  const normalised = input.replace(/\r\n?/g, '\n');
  let text = '';
  let removed = 0;
  let marks = 0;
  for (const ch of normalised) {
    if (CONTROL.test(ch) || BIDI_CONTROL.test(ch) || LONE_SURROGATE.test(ch)) {
      removed += 1;
      continue;
    }
    if (COMBINING_MARK.test(ch)) {
      marks += 1;
      if (marks > COMBINING_MARKS_MAX) {
        removed += 1;
        continue;
      }
    } else {
      marks = 0;
    }
    text += ch;
  }
  return { text, removed };
}
