import { formatCursor, type Cursor } from '../../domain/cursor.js';
import type { ParticipantInfo, PollResponse } from '../../protocol.js';
import { RoomError, type RoomErrorCode } from '../room-store.js';
import { parseStoredEvent } from './event-json.js';
import type { Reply } from './lua-script.js';

/** The store scripts' replies (scripts.ts) read back into the protocol's shapes. */

export function cursorArgs(cursor: Cursor | undefined): { epoch: string; seq: number } {
  return cursor === undefined ? { epoch: '', seq: 0 } : cursor;
}

export function strings(reply: Reply): string[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((item) => String(item));
}

const ROOM_ERRORS = new Set<string>(['room-not-found', 'room-full', 'bad-token', 'room-busy', 'server-full', 'room-images-full', 'room-locked', 'not-host', 'participant-not-found', 'kick-self']);

/** The values after an 'ok' status; a status naming a RoomError code rejects with it. */
export function ok(reply: string[]): string[] {
  const [status, ...rest] = reply;
  if (status === 'ok') return rest;
  if (status !== undefined && ROOM_ERRORS.has(status)) throw new RoomError(status as RoomErrorCode);
  throw new Error(`unexpected script reply ${String(status)}`);
}

export function roster(flat: string[]): ParticipantInfo[] {
  const participants: ParticipantInfo[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) participants.push({ id: flat[i]!, name: flat[i + 1]! });
  return participants;
}

/** Mirrors RoomBuffer#read: live events after the cursor and the cursor to poll from next. */
export function readResult(reply: string[], cursor: Cursor | undefined, now: number): PollResponse {
  const [epoch, seq, reset, ...stored] = reply;
  const events = stored.map(parseStoredEvent).filter((event) => event.expiresAt > now);
  const last = events[events.length - 1];
  const current = `${epoch}.${seq}`;
  const next = last !== undefined ? last.id : reset === '1' || cursor === undefined ? current : formatCursor(cursor);
  return reset === '1' ? { events, cursor: next, reset: true } : { events, cursor: next };
}
