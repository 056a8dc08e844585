/**
 * A cursor names a position in one incarnation of a room's buffer: `<epoch>.<seq>`.
 * The epoch changes whenever the buffer is born again (a new room, a Redis store that
 * lost the room's log), so a client holding an old cursor gets `reset` instead of
 * silently skipping or repeating events.
 */
export interface Cursor {
  epoch: string;
  seq: number;
}

// Epochs are short random URL-safe words; seq stays a safe integer (Redis INCR and JS numbers agree).
const CURSOR_PATTERN = /^([0-9A-Za-z_-]{1,16})\.(0|[1-9][0-9]{0,14})$/;

export function formatCursor(cursor: Cursor): string {
  return `${cursor.epoch}.${cursor.seq}`;
}

/** Undefined when the text is not a cursor this server could have written. */
export function parseCursor(text: string): Cursor | undefined {
  const match = CURSOR_PATTERN.exec(text);
  if (!match) return undefined;
  return { epoch: match[1]!, seq: Number(match[2]) };
}
