/**
 * The floor: Phantachat's protocol as the client speaks it (create, join, send, poll
 * with cursor and hold) on bare node:http, with no framework, validation beyond what
 * keeps it correct, logging or security headers. A table's floor column is what Node
 * itself allows for this protocol; the distance to it is what our architecture costs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { FLOOR_HOLD_MS, FLOOR_TTL_MS, FloorRoom, floorId, type Answer, type FloorSeat } from './floor-room.js';

// Rooms of two, as Phantachat's default ROOM_CAPACITY.
const ROOM_CAPACITY = 2;
// Phantachat's body limit (docs/protocol.md).
const MAX_BODY_BYTES = 16_384;

const rooms = new Map<string, FloorRoom>();
const seats = new Map<string, FloorSeat>();
const ROUTE = /^\/rooms(?:\/([^/?]+)(?:\/(join|send|poll))?)?(?:\?(.*))?$/;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function readJson(req: IncomingMessage, res: ServerResponse, then: (body: Record<string, unknown>) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) return reply(res, 413, { error: 'The body is over 16 KiB.' });
    if (size === 0) return then({});
    try {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return then(body as Record<string, unknown>);
    } catch {
      // answered below
    }
    reply(res, 400, { error: 'The body must be a JSON object.' });
  });
}

function seatOf(req: IncomingMessage, room: FloorRoom): FloorSeat | undefined {
  const auth = req.headers.authorization;
  const seat = auth?.startsWith('Bearer ') ? seats.get(auth.slice(7)) : undefined;
  return seat?.room === room ? seat : undefined;
}

function join(room: FloorRoom, body: Record<string, unknown>, res: ServerResponse): void {
  if (room.seats.length >= room.capacity) return reply(res, 409, { error: 'This room is full.' });
  const name = typeof body.name === 'string' && body.name !== '' ? body.name : 'guest';
  const seat: FloorSeat = { id: floorId(), token: floorId(), name, room, lastSeq: -1, lastId: '', held: undefined };
  const cursor = room.cursor(room.lastSeq);
  room.seats.push(seat);
  seats.set(seat.token, seat);
  room.append(seat, 'join');
  reply(res, 201, { participant: seat.id, token: seat.token, name, cursor, ttlMs: FLOOR_TTL_MS, holdMs: FLOOR_HOLD_MS, capacity: room.capacity, participants: room.participants() });
}

function send(seat: FloorSeat, body: Record<string, unknown>, res: ServerResponse): void {
  const { text, seq } = body;
  if (typeof text !== 'string' || text === '' || text.length > 1000) return reply(res, 400, { error: 'text must be 1 to 1000 characters.' });
  // A seq not above the last accepted one is a retry: the same id, no new event.
  if (typeof seq === 'number' && seq <= seat.lastSeq) return reply(res, 200, { id: seat.lastId });
  const event = seat.room.append(seat, 'text', text);
  if (typeof seq === 'number') seat.lastSeq = seq;
  seat.lastId = event.id;
  reply(res, 200, { id: event.id });
}

function poll(seat: FloorSeat, query: string, req: IncomingMessage, res: ServerResponse): void {
  const params = new URLSearchParams(query);
  const wait = params.get('wait');
  const holdMs = wait === null ? FLOOR_HOLD_MS : Math.min(Number(wait), FLOOR_HOLD_MS);
  if (!Number.isFinite(holdMs)) return reply(res, 400, { error: 'wait must be a number of milliseconds.' });
  const answer: Answer = (events, cursor, reset) => reply(res, 200, reset ? { events, cursor, reset } : { events, cursor });
  res.once('close', () => seat.room.abandon(seat, answer));
  seat.room.poll(seat, params.get('cursor') ?? undefined, holdMs, answer);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const match = ROUTE.exec(req.url ?? '');
  if (match === null) return reply(res, 404, { error: 'Nothing here.' });
  const [, roomId, action, query = ''] = match;
  if (roomId === undefined) {
    if (req.method !== 'POST') return reply(res, 405, { error: 'Use POST.' });
    const room = new FloorRoom(floorId(), ROOM_CAPACITY);
    rooms.set(room.id, room);
    // Drain whatever body came: POST /rooms takes none here.
    req.resume();
    return reply(res, 201, { room: room.id, url: `/${room.id}`, capacity: room.capacity });
  }
  const room = rooms.get(roomId);
  if (room === undefined) return reply(res, 404, { error: 'This chat has vanished.' });
  if (action === 'join' && req.method === 'POST') return readJson(req, res, (body) => join(room, body, res));
  const seat = seatOf(req, room);
  if (seat === undefined) return reply(res, 401, { error: 'Join the room first.' });
  if (action === 'send' && req.method === 'POST') return readJson(req, res, (body) => send(seat, body, res));
  if (action === 'poll' && req.method === 'GET') return poll(seat, query, req, res);
  reply(res, 405, { error: 'Not with this method.' });
}

const server = createServer(handle);
server.listen(Number(process.env.PORT ?? 3002), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
