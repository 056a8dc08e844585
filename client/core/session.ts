import type { JoinResponse } from '../../server/protocol.js';
import type { ApiClient } from './api-client.js';

export type JoinOutcome =
  | { kind: 'joined'; join: JoinResponse }
  | { kind: 'full' }
  | { kind: 'vanished' }
  | { kind: 'invalid-name'; error: string }
  | { kind: 'failed'; error: string };

/** What the poller and sender do after a 401: carry on, give up for good, or back off. */
export type RenewOutcome = 'renewed' | 'full' | 'vanished' | 'failed';

/** The part of a session that the poller and sender need: the token and a way to get a new one. */
export interface TokenSource {
  token(): string;
  renew(): Promise<RenewOutcome>;
}

/**
 * One participant's seat in one room: joins, remembers every participant id it has
 * held (so its own echo is recognised even across rejoins) and, after a 401 (the
 * server dropped the seat, e.g. the phone slept past the presence timeout), joins
 * again under the same name.
 */
export class Session implements TokenSource {
  readonly room: string;
  readonly #api: ApiClient;
  #join: JoinResponse | undefined;
  #renewing: Promise<RenewOutcome> | undefined;
  readonly #ownIds = new Set<string>();
  // One key for the session: a join whose answer was lost, tried again, gets the same seat
  // instead of a ghost second one; once that seat is gone the server makes a new one.
  readonly #joinKey = randomJoinKey();

  constructor(api: ApiClient, room: string) {
    this.#api = api;
    this.room = room;
  }

  async join(name: string | undefined): Promise<JoinOutcome> {
    const result = await this.#api.join(this.room, name, this.#joinKey);
    if (result.ok) {
      this.#join = result.body;
      this.#ownIds.add(result.body.participant);
      return { kind: 'joined', join: result.body };
    }
    if (result.kind === 'network') return { kind: 'failed', error: result.error };
    if (result.status === 404) return { kind: 'vanished' };
    if (result.status === 409) return { kind: 'full' };
    if (result.status === 400) return { kind: 'invalid-name', error: result.error };
    return { kind: 'failed', error: result.error };
  }

  get joined(): JoinResponse | undefined {
    return this.#join;
  }

  token(): string {
    if (!this.#join) throw new TypeError('Session#token called before join');
    return this.#join.token;
  }

  isOwn(participant: string): boolean {
    return this.#ownIds.has(participant);
  }

  /** Concurrent callers (poller and sender both got 401) share one join request. */
  renew(): Promise<RenewOutcome> {
    this.#renewing ??= this.#rejoin().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  /** Forgets the seat; the caller tells the server (fetch or beacon). */
  end(): void {
    this.#join = undefined;
  }

  async #rejoin(): Promise<RenewOutcome> {
    const name = this.#join?.name;
    if (name === undefined) return 'failed';
    const outcome = await this.join(name);
    if (outcome.kind === 'joined') return 'renewed';
    if (outcome.kind === 'full' || outcome.kind === 'vanished') return outcome.kind;
    return 'failed';
  }
}

/** 16 crypto-random bytes as base64url (22 characters): as hard to guess as the token it returns. */
function randomJoinKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
