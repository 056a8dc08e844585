import { BIDI_CONTROLS, MAX_COMBINING_MARKS } from '../../server/text-rules.js';

// The rules for what a send may carry (server/text-rules.ts, which the server's validators
// apply), applied by the client before sending so that a paste the server would refuse
// (400) is not lost whole.

// Control characters except tab and newline (the server refuses them), and lone
// surrogates (not encodable as UTF-8).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
const COMBINING_MARK = /\p{M}/u;
const LONE_SURROGATE = /\p{Cs}/u;

export interface CleanedText {
  text: string;
  /** How many characters (code points) were left out; 0 when the text was fine as it was. */
  removed: number;
}

/**
 * Removes what cannot be sent: control characters other than tab and newline, bidi
 * controls, lone surrogates and combining marks past MAX_COMBINING_MARKS on one base.
 * Line breaks become `\n` (a paste from Windows brings `\r\n`) without counting as removed.
 */
export function cleanText(input: string): CleanedText {
  const normalised = input.replace(/\r\n?/g, '\n');
  let text = '';
  let removed = 0;
  let marks = 0;
  for (const ch of normalised) {
    if (CONTROL.test(ch) || BIDI_CONTROLS.test(ch) || LONE_SURROGATE.test(ch)) {
      removed += 1;
      continue;
    }
    if (COMBINING_MARK.test(ch)) {
      marks += 1;
      if (marks > MAX_COMBINING_MARKS) {
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
