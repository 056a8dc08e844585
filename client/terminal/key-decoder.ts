import { TEXT_MAX_CHARS } from '../../server/protocol.js';

/** What one chunk of raw-mode input means: text to send, and whether the user asked to leave. */
export interface DecodedKeys {
  text: string;
  quit: boolean;
}

const CTRL_C = '\u0003';
// CSI (ESC [ params final) and SS3 (ESC O x): arrows, function keys, Home/End. Nothing to type.
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001b(?:\[[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]|O.|.)?/gsu;
// eslint-disable-next-line no-control-regex
const OTHER_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu;

/**
 * Turns raw terminal input into what is sent: Enter becomes a newline, Backspace and
 * Delete do nothing (nothing said can be taken back), cursor keys and other escape
 * sequences are dropped, and Ctrl-C asks to leave. Text after a Ctrl-C is not sent.
 */
export function decodeKeys(chunk: string): DecodedKeys {
  const stop = chunk.indexOf(CTRL_C);
  const typed = stop === -1 ? chunk : chunk.slice(0, stop);
  const text = typed
    .replace(ESCAPE_SEQUENCE, '')
    // Enter sends CR in raw mode; a pasted CRLF is one line break, not two.
    .replace(/\r\n?/gu, '\n')
    .replace(OTHER_CONTROL, '');
  return { text: capped(text), quit: stop !== -1 };
}

// A paste of a whole file goes out as one send's worth, as the browser's field does.
function capped(text: string): string {
  const points = Array.from(text);
  return points.length > TEXT_MAX_CHARS ? points.slice(0, TEXT_MAX_CHARS).join('') : text;
}
