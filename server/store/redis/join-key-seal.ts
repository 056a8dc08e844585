import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// An idempotent join must hand back the same token, yet Redis never holds a usable token:
// the seat keeps the token sealed under the client's join key, which only the client knows
// (it is as random as a token), and looks the key up by a hash of it.

const IV_BYTES = 12; // GCM's standard nonce size
const TAG_BYTES = 16;

function derive(purpose: string, room: string, key: string): Buffer {
  return createHash('sha256').update(`phantachat ${purpose}\0${room}\0${key}`).digest();
}

/** What the seat stores to find the join again; the key itself cannot be recovered from it. */
export function joinKeyHash(room: string, key: string): string {
  return derive('join-key', room, key).toString('base64url');
}

export function sealToken(room: string, key: string, token: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', derive('join-seal', room, key), iv);
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The token, or undefined when `sealed` was not made with this key. */
export function openToken(room: string, key: string, sealed: string): string | undefined {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive('join-seal', room, key), raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
