import type { ChatEvent } from '../../protocol.js';

/** A stored event ('<expiresAt> <json>', see lua-prelude.ts) back to an event. */
export function parseStoredEvent(stored: string): ChatEvent {
  return parseEvent(stored.slice(stored.indexOf(' ') + 1));
}

/** Event JSON back to an event, fields in protocol order (cjson writes them in any order). */
export function parseEvent(json: string): ChatEvent {
  const stored = JSON.parse(json) as ChatEvent;
  // Assigned one by one: conditional spreads cost a copy each, and every signal is parsed on every instance.
  const event = { id: stored.id, type: stored.type, from: stored.from, name: stored.name } as ChatEvent;
  if (stored.text !== undefined) event.text = stored.text;
  if (stored.gaps !== undefined) event.gaps = stored.gaps;
  if (stored.image !== undefined) event.image = parseImageInfo(stored.image);
  event.at = stored.at;
  event.expiresAt = stored.expiresAt;
  return event;
}

function parseImageInfo(image: NonNullable<ChatEvent['image']>): NonNullable<ChatEvent['image']> {
  return { id: image.id, type: image.type, bytes: image.bytes, width: image.width, height: image.height };
}
