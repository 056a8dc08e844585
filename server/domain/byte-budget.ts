/**
 * A count of bytes held against a ceiling (PROCESS_IMAGE_BYTES): uploads being read take
 * from it chunk by chunk, and the memory store's live images until they expire. Pure.
 */
export class ByteBudget {
  private usedBytes = 0;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError('maxBytes must be positive');
  }

  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` if they fit; false (and nothing taken) when they would go over. */
  take(bytes: number): boolean {
    if (this.usedBytes + bytes > this.maxBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  give(bytes: number): void {
    if (bytes > this.usedBytes) throw new RangeError('gave back more bytes than were taken');
    this.usedBytes -= bytes;
  }
}
