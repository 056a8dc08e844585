import type { ChatEvent } from '../../protocol.js';

/** A stored event ('<expiresAt> <json>', see lua-prelude.ts) back to an event. */
export function parseStoredEvent(stored: string): ChatEvent {
  return parseEvent(stored.slice(stored.indexOf(' ') + 1));
}

/** Event JSON back to an event, fields in protocol order. */
export function parseEvent(json: string): ChatEvent {
  const stored = JSON.parse(json) as ChatEvent;
  return {
    id: stored.id,
    type: stored.type,
    from: stored.from,
    name: stored.name,
    ...(stored.text === undefined ? {} : { text: stored.text }),
    ...(stored.gaps === undefined ? {} : { gaps: stored.gaps }),
    ...(stored.image === undefined ? {} : { image: parseImageInfo(stored.image) }),
    at: stored.at,
    expiresAt: stored.expiresAt,
  };
}

function parseImageInfo(image: NonNullable<ChatEvent['image']>): NonNullable<ChatEvent['image']> {
  return { id: image.id, type: image.type, bytes: image.bytes, width: image.width, height: image.height };
}
