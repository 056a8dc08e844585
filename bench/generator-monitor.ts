import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

// 5 ms: fine enough to see lag that would show in a p99, coarse enough to cost nothing.
const LAG_RESOLUTION_MS = 5;

// undici (every driver's pools) and node:http announce every request here.
const REQUEST_CHANNELS = ['undici:request:create', 'http.client.request.start'];

export interface GeneratorReport {
  cpuMs: number;
  cpuPct: number;
  lagP99Ms: number;
  lagMaxMs: number;
  httpRequests: number;
  /** Generator CPU per HTTP request made, in microseconds: what one request costs the client side. */
  cpuUsPerRequest: number;
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
      cpuUsPerRequest: this.requests === 0 ? Number.NaN : (cpuMs * 1000) / this.requests,
    };
  }
}
