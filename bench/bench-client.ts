/**
 * What a workload needs from a server's client library: rooms of two participants
 * that send batches and hear each other's. One implementation per server under test.
 */
export interface BenchClient {
  readonly server: string;
  /** Creates a room and seats two participants in it. */
  openRoom(): Promise<[Participant, Participant]>;
  /** Stops every participant and releases connections. */
  close(): Promise<void>;
}

export interface Participant {
  /** The id the server puts in `from` of this participant's events. */
  readonly id: string;
  /**
   * Starts receiving: `onText` gets each text event from the other participant, at the
   * moment the answer carrying it arrived. Resolves once a receive request is held.
   */
  listen(onText: (text: string) => void): Promise<void>;
  /**
   * One key press. The client's own sender takes it from here, as it would a real
   * keystroke: coalescing, `seq`, retries. Failures go to the run's ErrorTally.
   */
  type(key: string): void;
}

/** Errors by kind; every run must end with none. */
export class ErrorTally {
  private readonly kinds = new Map<string, number>();

  add(kind: string): void {
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }

  get count(): number {
    let total = 0;
    for (const n of this.kinds.values()) total += n;
    return total;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.kinds);
  }
}
