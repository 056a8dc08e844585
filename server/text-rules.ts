// Text hygiene rules shared by the server's validators and (later) the browser's paste
// cleaner. Pure and free of node imports, so the client bundle can import it as is.

/**
 * Most combining marks allowed in a row after one base character. 4 covers every real
 * script (Vietnamese stacks 2, Tibetan and Indic clusters up to 4); "Zalgo" uses hundreds
 * to paint over the lines above and below.
 */
export const MAX_COMBINING_MARKS = 4;

/** Bidi embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069): they reorder the text around them. */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;

const MARK_RUN = new RegExp(`\\p{M}{${MAX_COMBINING_MARKS + 1},}`, 'u');

// Format characters, separators (spaces included) and marks: a name of only these shows as nothing.
const INVISIBLE_ONLY = /^[\p{Cf}\p{Z}\p{M}]*$/u;

/** Why a text breaks the rules, or undefined when it is fine. */
export type TextProblem = 'too-many-marks' | 'bidi-control';

export function textProblem(text: string): TextProblem | undefined {
  if (MARK_RUN.test(text)) return 'too-many-marks';
  if (BIDI_CONTROLS.test(text)) return 'bidi-control';
  return undefined;
}

/** Names follow the text rules and must show at least one visible character. */
export function nameProblem(name: string): TextProblem | 'invisible' | undefined {
  if (INVISIBLE_ONLY.test(name)) return 'invisible';
  return textProblem(name);
}

/**
 * The text with the rules applied instead of refused: mark runs cut to MAX_COMBINING_MARKS,
 * bidi controls dropped. For a client that cleans a paste before sending it.
 */
export function cleanText(text: string): string {
  return text.replace(new RegExp(`(\\p{M}{${MAX_COMBINING_MARKS}})\\p{M}+`, 'gu'), '$1').replace(new RegExp(BIDI_CONTROLS.source, 'gu'), '');
}
