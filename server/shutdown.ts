import type { Server } from 'node:http';
import type { PollHub } from './http/poll-hub.js';
import type { Logger } from './logger.js';
import type { RoomStore } from './store/room-store.js';

// Heroku sends SIGKILL 30 s after SIGTERM; our promise to operators is 10 s, and every
// held poll is answered at once, so the rest is only in-flight sends finishing.
export const SHUTDOWN_DEADLINE_MS = 8_000;

// Short enough that exit follows the last answer closely; each pass is one walk over the connections.
const IDLE_REAP_INTERVAL_MS = 50;

export interface ShutdownDeps {
  server: Server;
  hub: PollHub;
  store: RoomStore;
  logger: Logger;
}

/**
 * Stops accepting, answers every held poll at once (clients re-poll another dyno),
 * lets in-flight requests finish, then closes the store. Connections still open at the
 * deadline are cut.
 */
export async function shutdown({ server, hub, store, logger }: ShutdownDeps, deadlineMs = SHUTDOWN_DEADLINE_MS): Promise<void> {
  const started = Date.now();
  const heldPolls = hub.size;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  hub.shutdown();
  // Keep-alive connections go idle as their answers flush; close each as soon as it does.
  const reaper = setInterval(() => server.closeIdleConnections(), IDLE_REAP_INTERVAL_MS);
  server.closeIdleConnections();
  let deadline: NodeJS.Timeout | undefined;
  const cut = new Promise<void>((resolve) => {
    deadline = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, deadlineMs);
  });
  try {
    await Promise.race([closed, cut]);
  } finally {
    clearTimeout(deadline);
    clearInterval(reaper);
  }
  await store.close();
  logger.log('info', 'shutdown', { heldPolls, durationMs: Date.now() - started });
}
