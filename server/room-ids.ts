import { randomBytes } from 'node:crypto';
import Hashids from 'hashids';

// 12: hashids pads shorter encodings, so every link has the same look and no id is trivially short.
const MIN_ID_LENGTH = 12;
// A 64-bit number encodes to 13 characters; anything much longer was never issued.
export const ROOM_ID_SHAPE = /^[A-Za-z0-9]{12,24}$/;

/** Room ids: 64 bits of crypto randomness, hashids-encoded with the deployment's salt. */
export class RoomIds {
  private readonly hashids: Hashids;

  constructor(salt: string) {
    this.hashids = new Hashids(salt, MIN_ID_LENGTH);
  }

  generate(): string {
    return this.hashids.encode(randomBytes(8).readBigUInt64BE());
  }

  /** True only for ids this salt could have issued; everything else is answered like an unknown room. */
  isValid(id: string): boolean {
    if (!ROOM_ID_SHAPE.test(id)) return false;
    try {
      const numbers = this.hashids.decode(id);
      return numbers.length === 1 && this.hashids.encode(numbers) === id;
    } catch {
      return false;
    }
  }
}
