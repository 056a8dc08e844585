import type { ChatEvent } from '../../protocol.js';

/** Stored JSON back to an event, fields in protocol order. */
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
