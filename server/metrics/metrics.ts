import type { PollEnd } from '../http/poll-hub.js';
import type { StoreCounts } from '../store/room-store.js';

/** What the gauges read at each scrape. */
export interface MetricSources {
  /** Polls held right now by this process. */
  heldPolls(): number;
  /** Live rooms and seated participants in the store (all instances, with Redis). */
  storeCounts(): Promise<StoreCounts>;
}


export interface Scrape {
  contentType: string;
  text: string;
}

/**
 * What the app reports as it works. The domain, the store and PollHub see only this
 * interface, so none of them depends on prom-client; a deployment without METRICS_TOKEN
 * gets `noopMetrics` and pays nothing. No method takes a room id, name, token or text:
 * only counts, durations and closed sets of words.
 */
export interface Metrics {
  readonly enabled: boolean;
  pollEnded(end: PollEnd): void;
  /** An accepted send carrying `keystrokes` characters. */
  sendAccepted(keystrokes: number): void;
  /** A store call failed for a reason of the backend's, not the client's (Redis away, a script error). */
  storeFailed(operation: string): void;
  redisRoundTrip(durationMs: number): void;
  /** `route` is a route pattern ('/rooms/:room/poll') or 'unmatched', never a path. */
  requestEnded(method: string, route: string, status: number, durationMs: number): void;
  watch(sources: MetricSources): void;
  scrape(): Promise<Scrape>;
}

export const noopMetrics: Metrics = {
  enabled: false,
  pollEnded() {},
  sendAccepted() {},
  storeFailed() {},
  redisRoundTrip() {},
  requestEnded() {},
  watch() {},
  scrape: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', text: '' }),
};

/** Characters as a person types them: a surrogate pair (an emoji) is one keystroke, not two. */
export function keystrokes(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) count += 1;
  }
  return count;
}
