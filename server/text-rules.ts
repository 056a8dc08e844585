// Text hygiene rules: the server's validators refuse what breaks them, and the clients'
// cleaner (client/core/text-cleaner.ts) leaves it out before sending. Pure and free of node
// imports, so the client bundle imports it as is.

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
