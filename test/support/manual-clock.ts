/** A clock that moves only when told to: expiry tests advance it instead of sleeping. */
export class ManualClock {
  constructor(private ms = Date.UTC(2026, 0, 1)) {}

  readonly now = (): number => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }
}
