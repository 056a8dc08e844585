import stringWidth from 'string-width';

// Grapheme clusters, so an emoji with modifiers lingers, fades and wraps as one character.
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The characters of `text` as the reader sees them. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Columns a string takes on a terminal: CJK and most emoji take two. */
export function columns(text: string): number {
  return stringWidth(text);
}

// C0 and C1 controls and DEL: a name or text carrying ESC could otherwise move the
// cursor, retitle the window or worse. The server refuses them, but a terminal must
// not trust the server with its escape parser.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/gu;
// Bidi overrides and isolates would reorder the rest of the line they sit on.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with every control character and bidi override replaced, so it is safe to write to a terminal. */
export function printable(text: string): string {
  return text.replace(CONTROL, '\ufffd').replace(BIDI, '');
}

/** Cuts `text` to at most `width` columns, never through a character. */
export function truncate(text: string, width: number): string {
  if (columns(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of graphemes(text)) {
    const w = columns(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}
