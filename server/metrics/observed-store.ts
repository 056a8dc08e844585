import type { Cursor } from '../domain/cursor.js';
import { RoomError } from '../domain/room-error.js';
import type { JoinResponse, ParticipantInfo, PollResponse, PresenceState, SendResponse, Untimed } from '../protocol.js';
import type { OpenPoll, RoomSignal, RoomSnapshot, RoomStore, SharedImage, StoredImage, StoreCounts } from '../store/room-store.js';
import type { Metrics } from './metrics.js';
import { keystrokes } from './metrics.js';

/**
 * The store as the app sees it when metrics are on: every call passes through to `inner`,
 * accepted sends are counted with their keystrokes, and failures of the backend (not the
 * client's RoomErrors, such as a bad token) are counted by operation. With metrics off the
 * store is used as it is.
 */
export function observeStore(inner: RoomStore, metrics: Metrics): RoomStore {
  return metrics.enabled ? new ObservedStore(inner, metrics) : inner;
}

/**
 * How ObservedStore treats each RoomStore method: 'watched' ones count the backend's failures
 * under their own name; 'passed' ones go straight through (they never reject, or are not calls
 * to the backend). Keyed by every method of RoomStore, so a method added there without a
 * decision here fails typecheck, and test/protocol/metrics.test.ts calls each one through the
 * wrapper to check it reaches `inner` and is counted as this table says.
 */
export const STORE_OPERATIONS: { readonly [Method in keyof RoomStore]-?: 'watched' | 'passed' } = {
  createRoom: 'watched',
  getRoom: 'watched',
  join: 'watched',
  kick: 'watched',
  setLocked: 'watched',
  takeRateLimit: 'watched',
  authenticate: 'watched',
  send: 'watched',
  shareImage: 'watched',
  getImage: 'watched',
  setPresence: 'watched',
  leave: 'watched',
  openPoll: 'watched',
  read: 'watched',
  closePoll: 'passed',
  subscribe: 'passed',
  counts: 'watched',
  healthy: 'passed',
  close: 'passed',
};

// Required<>: an optional RoomStore method is wrapped too, not left for `inner` to answer unseen.
class ObservedStore implements Required<RoomStore> {
  constructor(
    private readonly inner: RoomStore,
    private readonly metrics: Metrics,
  ) {}

  createRoom(room: string, capacity: number): Promise<boolean> {
    return this.watch('createRoom', this.inner.createRoom(room, capacity));
  }

  getRoom(room: string): Promise<RoomSnapshot | undefined> {
    return this.watch('getRoom', this.inner.getRoom(room));
  }

  join(room: string, name: string, key?: string): Promise<Untimed<JoinResponse>> {
    return this.watch('join', this.inner.join(room, name, key));
  }

  kick(room: string, token: string, participant: string): Promise<void> {
    return this.watch('kick', this.inner.kick(room, token, participant));
  }

  setLocked(room: string, token: string, locked: boolean): Promise<void> {
    return this.watch('setLocked', this.inner.setLocked(room, token, locked));
  }

  takeRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    return this.watch('takeRateLimit', this.inner.takeRateLimit(key, limit, windowMs, now));
  }

  authenticate(room: string, token: string): Promise<ParticipantInfo> {
    return this.watch('authenticate', this.inner.authenticate(room, token));
  }

  async send(room: string, token: string, text: string, seq?: number): Promise<SendResponse> {
    const result = await this.watch('send', this.inner.send(room, token, text, seq));
    this.metrics.sendAccepted(keystrokes(text));
    return result;
  }

  shareImage(room: string, token: string, image: StoredImage): Promise<SharedImage> {
    return this.watch('shareImage', this.inner.shareImage(room, token, image));
  }

  getImage(room: string, token: string, imageId: string): Promise<StoredImage | undefined> {
    return this.watch('getImage', this.inner.getImage(room, token, imageId));
  }

  setPresence(room: string, token: string, state: PresenceState): Promise<void> {
    return this.watch('setPresence', this.inner.setPresence(room, token, state));
  }

  leave(room: string, token: string): Promise<void> {
    return this.watch('leave', this.inner.leave(room, token));
  }

  openPoll(room: string, token: string, cursor: Cursor | undefined, holdMs: number, limit: number): Promise<OpenPoll> {
    return this.watch('openPoll', this.inner.openPoll(room, token, cursor, holdMs, limit));
  }

  read(room: string, cursor: Cursor | undefined, limit: number): Promise<PollResponse> {
    return this.watch('read', this.inner.read(room, cursor, limit));
  }

  closePoll(room: string, participant: string, leaseId: string): Promise<void> {
    return this.inner.closePoll(room, participant, leaseId); // never rejects
  }

  subscribe(room: string, listener: (signal: RoomSignal) => void): () => void {
    return this.inner.subscribe(room, listener);
  }

  counts(): Promise<StoreCounts> {
    return this.watch('counts', this.inner.counts());
  }

  healthy(): Promise<boolean> {
    return this.inner.healthy();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async watch<T>(operation: string, call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (!(error instanceof RoomError) || error.code === 'unavailable') this.metrics.storeFailed(operation);
      throw error;
    }
  }
}
