import { parseArgs } from 'node:util';
import { parseRoomLink, parseServerUrl } from './room-link.js';

export type Command =
  | { kind: 'join'; baseUrl: string; room: string; name: string | undefined }
  | { kind: 'new'; server: string; capacity: number | undefined }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

/** Where `phantachat new` creates a room without `--server`: the README's local server. */
export const DEFAULT_SERVER = 'http://localhost:3000';

export const USAGE = `Usage:
  phantachat <room-link> [--name NAME]    join a room (asks for a name if none is given)
  phantachat new [--capacity N] [--server URL]
                                          create a room and print its link (server: ${DEFAULT_SERVER})

In the room every key is sent as you type it; Backspace does nothing; Ctrl-C leaves.
HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.`;

/** Reads the command line (without node and the script path); never throws. */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string', short: 'n' },
        capacity: { type: 'string', short: 'c' },
        server: { type: 'string', short: 's' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length !== 1) return { kind: 'error', message: 'Give one room link, or "new".' };
  const [target] = positionals as [string];

  if (target === 'new') {
    if (values.name !== undefined) return { kind: 'error', message: '--name is for joining; "new" only prints a link.' };
    const server = parseServerUrl(values.server ?? DEFAULT_SERVER);
    if (typeof server !== 'string') return { kind: 'error', message: server.error };
    let capacity: number | undefined;
    if (values.capacity !== undefined) {
      // The server checks the range (2 to ROOM_MAX_CAPACITY, which only it knows).
      if (!/^\d{1,3}$/u.test(values.capacity)) return { kind: 'error', message: '--capacity must be a whole number of seats, e.g. 4.' };
      capacity = Number(values.capacity);
    }
    return { kind: 'new', server, capacity };
  }

  if (values.capacity !== undefined || values.server !== undefined) {
    return { kind: 'error', message: '--capacity and --server go with "new"; a room link already names its server.' };
  }
  const link = parseRoomLink(target);
  if ('error' in link) return { kind: 'error', message: link.error };
  return { kind: 'join', baseUrl: link.baseUrl, room: link.room, name: values.name };
}
