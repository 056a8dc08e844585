import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createHttpServer } from './http-server.js';
import { PollHub } from './http/poll-hub.js';
import { createLogger } from './logger.js';
import { shutdown } from './shutdown.js';
import { createStore } from './store/create-store.js';

const logger = createLogger();

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`phantachat: ${error.message}\n`);
    process.exit(1);
  }
  const store = await createStore(config);
  const hub = new PollHub(store);
  const app = createApp({ config, store, hub, logger });
  const server = createHttpServer(app, config);
  server.listen(config.port, () => {
    logger.log('info', 'listening', { port: config.port, store: config.redisUrl ? 'redis' : 'memory' });
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
}

/** stdout to a pipe is asynchronous once the pipe is full: exit only after the last log line is out. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main().catch((error: unknown) => {
  logger.log('error', 'startup failed', { errorName: error instanceof Error ? error.name : typeof error });
  process.exit(1);
});
