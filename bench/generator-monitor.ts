import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

// 5 ms: fine enough to see lag that would show in a p99, coarse enough to cost nothing.
const LAG_RESOLUTION_MS = 5;
// Above this share of its core the generator is the bottleneck, not the server.
const BUSY_CPU_PCT = 85;
// Lag this long would itself show up in the latency percentiles.
const BUSY_LAG_P99_MS = 20;

// undici (ours, and fetch) and node:http (socket.io-client's XHR) announce every request here.
const REQUEST_CHANNELS = ['undici:request:create', 'http.client.request.start'];

export interface GeneratorReport {
  cpuMs: number;
  cpuPct: number;
  lagP99Ms: number;
  lagMaxMs: number;
  httpRequests: number;
  /** True when the generator, not the server, may have been the bottleneck. */
  bound: boolean;
}

/** The load generator's own cost over a window: CPU, event-loop lag and HTTP requests made. */
export class GeneratorMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly startedAt = performance.now();
  private readonly cpu = process.cpuUsage();
  private requests = 0;
  private readonly count = (): void => {
    this.requests += 1;
  };

  constructor() {
    this.histogram.enable();
    for (const channel of REQUEST_CHANNELS) subscribe(channel, this.count);
  }

  stop(): GeneratorReport {
    this.histogram.disable();
    for (const channel of REQUEST_CHANNELS) unsubscribe(channel, this.count);
    const wallMs = performance.now() - this.startedAt;
    const used = process.cpuUsage(this.cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const cpuPct = (cpuMs / wallMs) * 100;
    // The histogram records whole timer intervals; lag is what exceeds the resolution.
    const lag = (ns: number): number => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
    const lagP99Ms = lag(this.histogram.percentile(99));
    return {
      cpuMs,
      cpuPct,
      lagP99Ms,
      lagMaxMs: lag(this.histogram.max),
      httpRequests: this.requests,
      bound: cpuPct >= BUSY_CPU_PCT || lagP99Ms >= BUSY_LAG_P99_MS,
    };
  }
}
