import { createHash } from 'node:crypto';

// A process serves a few thousand participants at once; past this many tokens the oldest
// are hashed again when they come back (a flood of made-up tokens only costs that).
const MAX_TOKENS = 4_096;

/**
 * What Redis keeps of a token: its SHA-256 (tokens are 32 random bytes, so a plain hash is
 * enough, and a Redis dump yields no usable token). A participant's requests all carry one
 * token, about two a keystroke, and createHash is a third of the store's own CPU on them
 * (profiled); so the last MAX_TOKENS hashed are remembered, the first remembered first out.
 * They stay in this process's memory only, where the requests carrying them already were.
 */
export class TokenHashes {
  private readonly known = new Map<string, string>();

  of(token: string): string {
    const known = this.known.get(token);
    if (known !== undefined) return known;
    const hash = createHash('sha256').update(token).digest('base64url');
    if (this.known.size >= MAX_TOKENS) this.known.delete(this.known.keys().next().value!);
    this.known.set(token, hash);
    return hash;
  }

  /** Tokens remembered: never more than MAX_TOKENS. */
  get size(): number {
    return this.known.size;
  }
}
