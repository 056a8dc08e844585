/** A room link split into the server it lives on and the room id. */
export interface RoomLink {
  /** Origin plus any path prefix the server is mounted under, without a trailing slash. */
  baseUrl: string;
  room: string;
}

// Room ids are hashids over [A-Za-z0-9] (docs/protocol.md); anything else is not a room link.
const ROOM_ID = /^[A-Za-z0-9]+$/u;

/** Parses `https://host/<room>`; returns a sentence for the user when it is not a room link. */
export function parseRoomLink(text: string): RoomLink | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `"${text}" is not a link; paste the whole room link, e.g. https://example.com/AbC123xyz789` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'A room link starts with http:// or https://.' };
  const segments = url.pathname.split('/');
  const room = segments.pop() ?? '';
  if (!ROOM_ID.test(room)) return { error: 'That link has no room in it; a room link ends in the room id, e.g. /AbC123xyz789.' };
  return { baseUrl: `${url.origin}${segments.join('/')}`, room };
}

/** Parses a `--server` value: an http(s) origin, optionally with a path prefix. */
export function parseServerUrl(text: string): string | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `--server "${text}" is not a URL, e.g. https://example.com` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: '--server must start with http:// or https://.' };
  return `${url.origin}${url.pathname.replace(/\/+$/u, '')}`;
}
