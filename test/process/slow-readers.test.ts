import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, readAll } from '../support/raw-socket.js';
import { until } from '../support/until.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

// Issue 9, second row: 1,000 clients polling a room of 2,000 long emoji texts with wait=0 and
// reading slowly each held a 2 MB answer with nothing to time it out. Bounded here: one
// room of 200 of the largest events, a handful of readers, a 300 ms write deadline.
const EMOJI_TEXT = '😀'.repeat(1000); // the largest text: about 4 KB of JSON
const TEXTS = 199; // with Ann's join, the room's ROOM_MAX_EVENTS of 200
const POLL_MAX_BYTES = 65_536;

async function fill(url: string, events: number): Promise<{ room: string; token: string; cursor: string }> {
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const { room } = (await (await post('/rooms', {})).json()) as { room: string };
  const ann = (await (await post(`/rooms/${room}/join`, { name: 'Ann' })).json()) as { token: string; cursor: string };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < events) {
      next += 1;
      const res = await post(`/rooms/${room}/send`, { text: EMOJI_TEXT }, ann.token);
      expect(res.status).toBe(200);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { room, token: ann.token, cursor: ann.cursor };
}

describe('slow readers of the largest answers (a real server process)', () => {
  let server: SpawnedServer;
  let seated: { room: string; token: string; cursor: string };
  beforeAll(async () => {
    server = await spawnServer({
      SENDS_PER_SECOND: '100000', SENDS_BURST: '100000', SEND_CHARS_PER_SECOND: '100000000', SEND_CHARS_BURST: '100000000',
      MESSAGE_TTL_MS: '120000', ROOM_MAX_EVENTS: '200', POLL_MAX_BYTES: String(POLL_MAX_BYTES), WRITE_TIMEOUT_MS: '300',
    });
    seated = await fill(server.url, TEXTS);
  }, 30_000);
  afterAll(() => {
    server.child.kill('SIGKILL');
  });

  it('answers at most POLL_MAX_BYTES per poll, so a full room is read in several small answers', async () => {
    let at = seated.cursor;
    let texts = 0;
    for (let answers = 0; texts < TEXTS; answers += 1) {
      expect(answers).toBeLessThan(40);
      const res = await fetch(`${server.url}/rooms/${seated.room}/poll?wait=0&cursor=${at}`, { headers: { Authorization: `Bearer ${seated.token}` } });
      const raw = await res.text();
      expect(Buffer.byteLength(raw)).toBeLessThan(POLL_MAX_BYTES + 200); // the events, plus the answer's envelope
      const body = JSON.parse(raw) as { events: Array<{ type: string }>; cursor: string };
      texts += body.events.filter((e) => e.type === 'text').length;
      at = body.cursor;
    }
    expect(texts).toBe(TEXTS);
  });

  it('cuts a client that does not read its answers at WRITE_TIMEOUT_MS, and serves the others meanwhile', async () => {
    // 100 pipelined polls of 64 KB each: more than the ~3 MB the loopback's socket buffers
    // absorb, so an answer is left in the process until the deadline cuts the client.
    const poll = `GET /rooms/${seated.room}/poll?wait=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${seated.token}\r\n\r\n`;
    const readers = await Promise.all(Array.from({ length: 3 }, () => openSocket(server.url, '127.0.0.5')));
    for (const socket of readers) {
      socket.pause(); // never reads
      socket.write(poll.repeat(100));
    }
    const cuts = () => server.lines.filter((line) => line.includes('"event":"write deadline"')).length;
    await until(() => cuts() >= 3, 'three write-deadline cuts', 8_000);
    const health = await openSocket(server.url, '127.0.0.1');
    const answer = readAll(health);
    health.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    for (const socket of readers) socket.destroy();
  });
});
