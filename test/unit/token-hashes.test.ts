import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenHashes } from '../../server/store/redis/token-hashes.js';

describe('TokenHashes', () => {
  it('gives the SHA-256 of a token, the same each time', () => {
    const hashes = new TokenHashes();
    const expected = createHash('sha256').update('a-token').digest('base64url');
    expect(hashes.of('a-token')).toBe(expected);
    expect(hashes.of('a-token')).toBe(expected);
    expect(hashes.of('another')).not.toBe(expected);
  });

  it('remembers a bounded number of tokens, however many come, and still hashes the forgotten right', () => {
    const hashes = new TokenHashes();
    for (let i = 0; i < 10_000; i += 1) hashes.of(`made-up-${i}`);
    expect(hashes.size).toBe(4_096);
    expect(hashes.of('made-up-0')).toBe(createHash('sha256').update('made-up-0').digest('base64url'));
    expect(hashes.size).toBe(4_096);
  });
});
