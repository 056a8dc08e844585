/**
 * The peer: the same relay as Phantachat's, on Socket.IO 4 restricted to HTTP
 * long-polling (the transport that passes socket-hostile proxies). Everything else is
 * Socket.IO's default, as a team picking it would run it.
 *
 *   join(room, ack)         -> seats the socket in a room of two; ack({ id }) or ack({ error })
 *   send({ text, seq }, ack) -> relays { id, type, from, text, at } to the whole room; ack({ id })
 *
 * A `seq` not greater than the sender's last accepted one is a retry and is not relayed,
 * as in Phantachat's protocol.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

// Rooms of two, as Phantachat's default ROOM_CAPACITY.
const ROOM_CAPACITY = 2;

interface SendBody {
  text?: unknown;
  seq?: unknown;
}

interface PeerData {
  room?: string;
  lastSeq: number;
  lastId?: string;
}

type Ack = (answer: { id?: string; error?: string }) => void;

const httpServer = createServer();
const io = new Server(httpServer, { transports: ['polling'], allowUpgrades: false, serveClient: false });
const nextIdByRoom = new Map<string, number>();

io.on('connection', (socket) => {
  const data: PeerData = { lastSeq: -1 };

  socket.on('join', (room: unknown, ack: Ack) => {
    if (typeof room !== 'string' || typeof ack !== 'function') return;
    const seated = io.sockets.adapter.rooms.get(room)?.size ?? 0;
    if (data.room !== undefined || seated >= ROOM_CAPACITY) return ack({ error: 'full' });
    data.room = room;
    void socket.join(room);
    ack({ id: socket.id });
  });

  socket.on('send', (body: SendBody, ack: Ack) => {
    if (typeof ack !== 'function') return;
    const room = data.room;
    if (room === undefined || typeof body?.text !== 'string' || body.text === '') return ack({ error: 'bad send' });
    const seq = typeof body.seq === 'number' ? body.seq : undefined;
    if (seq !== undefined && seq <= data.lastSeq && data.lastId !== undefined) return ack({ id: data.lastId });
    const n = (nextIdByRoom.get(room) ?? 0) + 1;
    nextIdByRoom.set(room, n);
    const id = String(n);
    io.to(room).emit('event', { id, type: 'text', from: socket.id, text: body.text, at: Date.now() });
    if (seq !== undefined) data.lastSeq = seq;
    data.lastId = id;
    ack({ id });
  });

  socket.on('disconnect', () => {
    if (data.room !== undefined && !io.sockets.adapter.rooms.has(data.room)) nextIdByRoom.delete(data.room);
  });
});

httpServer.listen(Number(process.env.PORT ?? 3001));
process.on('SIGTERM', () => {
  void io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
