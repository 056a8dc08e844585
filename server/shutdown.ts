import type { Server } from 'node:http';
import type { PollHub } from './http/poll-hub.js';
import type { Logger } from './logger.js';
import type { RoomStore } from './store/room-store.js';

// Heroku sends SIGKILL 30 s after SIGTERM; our promise to operators is 10 s, and every
// held poll is answered at once, so the rest is only in-flight sends finishing.
export const SHUTDOWN_DEADLINE_MS = 8_000;

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
  }
  await store.close();
  logger.log('info', 'shutdown', { heldPolls, durationMs: Date.now() - started });
}
