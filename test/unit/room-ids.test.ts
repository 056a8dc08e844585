import Hashids from 'hashids';
import { describe, expect, it } from 'vitest';
import { RoomIds } from '../../server/room-ids.js';

describe('RoomIds', () => {
  it('generates distinct ids of at least 12 characters over [A-Za-z0-9] that it accepts', () => {
    const ids = new RoomIds('salt-one');
    const seen = new Set(Array.from({ length: 2_000 }, () => ids.generate()));
    expect(seen.size).toBe(2_000);
    for (const id of seen) {
      expect(id).toMatch(/^[A-Za-z0-9]{12,}$/);
      expect(ids.isValid(id)).toBe(true);
    }
  });

  it('carries about 64 bits: decoded values spread over the whole 64-bit range', () => {
    const ids = new RoomIds('salt-one');
    // The same salt decodes what RoomIds issued: no need to reach into it.
    const hashids = new Hashids('salt-one', 12);
    const values = Array.from({ length: 200 }, () => BigInt(hashids.decode(ids.generate())[0]!));
    expect(values.some((v) => v > 2n ** 63n)).toBe(true);
    expect(values.some((v) => v < 2n ** 63n && v > 2n ** 53n)).toBe(true);
  });

  it('rejects ids of another salt and malformed ids', () => {
    const ids = new RoomIds('salt-one');
    const other = new RoomIds('salt-two').generate();
    for (const id of [other, '', 'abc', 'a'.repeat(30), 'abcdefghijk!', 'abc-defghijkl']) expect(ids.isValid(id)).toBe(false);
  });
});
