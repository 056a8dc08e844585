import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { ByteBudget } from './domain/byte-budget.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createHttpServer } from './http-server.js';
import { ConnectionGuard } from './http/connection-guard.js';
import { PollHub } from './http/poll-hub.js';
import { createLogger, stdoutSink } from './logger.js';
import { noopMetrics } from './metrics/metrics.js';
import { observeStore } from './metrics/observed-store.js';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import { shutdown } from './shutdown.js';
import { createStore } from './store/create-store.js';

const logLines = stdoutSink();
const logger = createLogger(logLines.write);

// Past this a stopping primary stops waiting for its workers: our promise is exit within 10 s.
const PRIMARY_EXIT_DEADLINE_MS = 9_500;
// A worker that dies is replaced after this pause, so a worker that crashes at start cannot spin the CPU.
const RESPAWN_DELAY_MS = 1_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`phantachat: ${error.message}\n`);
    process.exit(1);
  }
  // Workers need a shared store: without REDIS_URL, rooms live in one process's memory.
  if (config.redisUrl !== undefined && config.webConcurrency > 1 && cluster.isPrimary) return runPrimary(config.webConcurrency, config.roomSalt);
  await serve(config);
}

/**
 * The primary only forks, replaces workers that die, and passes SIGTERM on. Workers get
 * its ROOM_SALT: with the per-process random default, each would reject the others' room ids.
 */
function runPrimary(workers: number, roomSalt: string): void {
  let stopping = false;
  const fork = (): void => {
    cluster.fork({ ROOM_SALT: roomSalt });
  };
  logger.log('info', 'starting workers', { workers });
  for (let i = 0; i < workers; i += 1) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) exitAfterFlush(0);
      return;
    }
    logger.log('warn', 'worker exited', { pid: worker.process.pid, code: code ?? undefined, signal: signal ?? undefined });
    setTimeout(() => {
      if (!stopping) fork();
    }, RESPAWN_DELAY_MS);
  });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'stopping', { signal, workers: Object.keys(cluster.workers ?? {}).length });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    setTimeout(() => process.exit(1), PRIMARY_EXIT_DEADLINE_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** One server process: the whole app when alone, or one cluster worker. */
async function serve(config: Config): Promise<void> {
  // Off unless METRICS_TOKEN is set: then every part of the app reports to one registry.
  const metrics = config.metricsToken === undefined ? noopMetrics : new PrometheusMetrics({ processMetrics: true });
  // One budget for the process's image bytes: uploads being read and, in memory, live images.
  const imageBudget = new ByteBudget(config.processImageBytes);
  const store = observeStore(await createStore(config, Date.now, logger, metrics, imageBudget), metrics);
  const hub = new PollHub(store, { onEnd: (end) => metrics.pollEnded(end), maxAnswerBytes: config.pollMaxBytes });
  // Socket-level caps and deadlines: a hostile client's sockets are counted from the moment
  // they open; what is over the caps gets the app's own 503 (shedOverflow) or is closed.
  const guard = new ConnectionGuard({ ...config, logger });
  const app = createApp({ config, store, hub, logger, metrics, imageBudget, guard });
  const server = createHttpServer(app, config);
  guard.attach(server);
  server.listen(config.port, () => {
    const { port } = server.address() as AddressInfo;
    logger.log('info', 'listening', { port, store: config.redisUrl ? 'redis' : 'memory', pid: process.pid });
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'stopping', { signal });
    shutdown({ server, hub, store, logger }).then(
      () => exitAfterFlush(0),
      () => exitAfterFlush(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A worker whose primary is gone would otherwise serve on, unsupervised.
  if (cluster.isWorker) process.on('disconnect', () => stop('disconnect'));
}

/** Log lines are batched, and stdout to a pipe is asynchronous: exit only after the last line is out. */
function exitAfterFlush(code: number): void {
  logLines.flush(() => process.exit(code));
}

main().catch((error: unknown) => {
  logger.log('error', 'startup failed', { errorName: error instanceof Error ? error.name : typeof error });
  exitAfterFlush(1);
});
