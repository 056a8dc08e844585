import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PollEnd } from '../http/poll-hub.js';
import type { MetricSources, Metrics, Scrape } from './metrics.js';

// Seconds. A poll is held up to POLL_HOLD_MS (25 s by default, under Heroku's 30 s), so the
// top buckets separate polls answered by events from those answered by their timeout.
const REQUEST_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 25, 30];
// Seconds. A healthy Redis answers our scripts in well under 1 ms; 2 s is the command timeout.
const REDIS_BUCKETS_S = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2];

// The method is client-chosen: anything else is counted as 'other', so a scanner
// cannot mint a label value (and a time series) per request.
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface PrometheusMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event-loop lag); they start a sampler, so only the server turns them on. */
  processMetrics?: boolean;
}

/** Metrics in the Prometheus text format through prom-client, the library operators' scrapers expect. */
export class PrometheusMetrics implements Metrics {
  readonly enabled = true;
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private readonly heldPolls = this.gauge('phantachat_held_polls', 'Polls held open by this process, waiting for events.');
  private readonly rooms = this.gauge('phantachat_rooms', 'Live rooms in the store.');
  private readonly participants = this.gauge('phantachat_seated_participants', 'Participants seated in live rooms.');
  private readonly keystrokeCount = this.counter('phantachat_keystrokes_total', 'Characters accepted by send.');
  private readonly sends = this.counter('phantachat_sends_total', 'Accepted send requests (a retried seq counts again).');
  private readonly pollAnswers = this.counter('phantachat_poll_answers_total', 'Held polls settled, by how they ended.', ['end']);
  private readonly requests = new Histogram({
    name: 'phantachat_http_request_duration_seconds',
    help: 'HTTP requests by route pattern and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: REQUEST_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly storeErrors = this.counter('phantachat_store_errors_total', 'Store calls that failed on the backend side (Redis unreachable, script error).', ['operation']);
  private readonly redisRoundTrips = new Histogram({
    name: 'phantachat_redis_round_trip_seconds',
    help: 'Time from sending a Redis script to its answer.',
    buckets: REDIS_BUCKETS_S,
    registers: [this.registry],
  });

  constructor({ processMetrics = false }: PrometheusMetricsOptions = {}) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
    // Every poll ending exists from the first scrape, so rate() over a fresh process is 0, not absent.
    for (const end of ['events', 'timeout', 'aborted', 'replaced', 'shutdown'] satisfies PollEnd[]) this.pollAnswers.inc({ end }, 0);
  }

  pollEnded(end: PollEnd): void {
    this.pollAnswers.inc({ end });
  }

  sendAccepted(keystrokes: number): void {
    this.sends.inc();
    this.keystrokeCount.inc(keystrokes);
  }

  storeFailed(operation: string): void {
    this.storeErrors.inc({ operation });
  }

  redisRoundTrip(durationMs: number): void {
    this.redisRoundTrips.observe(durationMs / 1_000);
  }

  requestEnded(method: string, route: string, status: number, durationMs: number): void {
    this.requests.observe({ method: KNOWN_METHODS.has(method) ? method : 'other', route, status_class: `${Math.floor(status / 100)}xx` }, durationMs / 1_000);
  }

  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  async scrape(): Promise<Scrape> {
    const sources = this.sources;
    if (sources !== undefined) {
      this.heldPolls.set(sources.heldPolls());
      // A store that does not answer keeps its last counts; phantachat_store_errors_total says why.
      const counts = await sources.storeCounts().catch(() => undefined);
      if (counts !== undefined) {
        this.rooms.set(counts.rooms);
        this.participants.set(counts.participants);
      }
    }
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  private counter<Label extends string = never>(name: string, help: string, labelNames: readonly Label[] = []): Counter<Label> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
