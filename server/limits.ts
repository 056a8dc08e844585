// Protocol limits (docs/protocol.md). They are part of the public contract, so they are
// constants rather than settings: a client written against one server works against all.

/** Largest request body; larger ones get 413. 16 KiB holds 1000 four-byte characters JSON-escaped. */
export const BODY_LIMIT_BYTES = 16 * 1024;
/** Longest `text` of one send, in characters (code points). */
export const TEXT_MAX_CHARS = 1000;
/** Longest participant name after trimming, in characters. */
export const NAME_MAX_CHARS = 32;
/** Most events in one poll answer; the rest come with the next poll. */
export const POLL_MAX_EVENTS = 500;
