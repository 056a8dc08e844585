import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { closed, openSocket, readAll } from '../support/raw-socket.js';
import { until } from '../support/until.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

// Issue 9, first row: one address opening thousands of idle TCP connections took the process's
// file descriptors. Bounded here: tens of sockets, deadlines of a few hundred ms. The attacker
// connects from 127.0.0.2 and 127.0.0.3, the chat from 127.0.0.1.
const PER_ADDRESS = 8;
const FIRST_REQUEST_MS = 400;

describe('the connection guard (a real server process)', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({ MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS), MAX_CONNECTIONS: '200', FIRST_REQUEST_TIMEOUT_MS: String(FIRST_REQUEST_MS) });
  });
  afterAll(() => {
    server.child.kill('SIGKILL');
  });

  const chat = async (): Promise<void> => {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const { room } = (await (await post('/rooms', {})).json()) as { room: string };
    const ann = (await (await post(`/rooms/${room}/join`, { name: 'Ann' })).json()) as { token: string; cursor: string };
    const bob = (await (await post(`/rooms/${room}/join`, { name: 'Bob' })).json()) as { token: string; cursor: string };
    expect((await post(`/rooms/${room}/send`, { text: 'hi' }, ann.token)).status).toBe(200);
    const res = await fetch(`${server.url}/rooms/${room}/poll?wait=0&cursor=${bob.cursor}`, { headers: { Authorization: `Bearer ${bob.token}` } });
    const { events } = (await res.json()) as { events: Array<{ text?: string }> };
    expect(events.map((e) => e.text).filter(Boolean)).toEqual(['hi']);
  };

  it('caps idle connections per address, answers the overflow 503 + Retry-After, and drops the rest at once', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < PER_ADDRESS; i += 1) idle.push(await openSocket(server.url, '127.0.0.2'));
    const shed = await openSocket(server.url, '127.0.0.2');
    const answer = readAll(shed);
    shed.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 503 /);
    expect(text).toMatch(/\r\nRetry-After: 5\r\n/i);
    expect(text).toContain('"error":"This server has too many connections open');
    const flood: Socket[] = [];
    for (let i = 0; i < 30; i += 1) flood.push(await openSocket(server.url, '127.0.0.2'));
    await chat(); // another address chats while the first holds its cap and more
    const started = Date.now();
    await Promise.all([...idle, ...flood].map(closed));
    // Cut by the first-request deadline, not the 95 s keep-alive.
    expect(Date.now() - started).toBeLessThan(FIRST_REQUEST_MS + 5_000);
    const fresh = await openSocket(server.url, '127.0.0.2');
    const again = readAll(fresh);
    fresh.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(await again).toMatch(/^HTTP\/1\.1 200 /); // the address is welcome again once its sockets are gone
  });

  it('cuts slowloris connections, whose headers never end, at the first-request deadline', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < PER_ADDRESS; i += 1) sockets.push(await openSocket(server.url, '127.0.0.3'));
    for (const socket of sockets) socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('X-Slow: 1\r\n');
    }, 50);
    try {
      const all = Promise.all(sockets.map(closed));
      await chat();
      await all;
    } finally {
      clearInterval(trickle);
    }
    expect(sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it('keeps a connection that sent its first request, for keep-alive', async () => {
    const socket = await openSocket(server.url, '127.0.0.4');
    // Opened after `socket` and silent: the guard cuts it at the first-request deadline, by
    // which time `socket`'s own deadline, had it not been cleared, would have cut it first.
    const control = await openSocket(server.url, '127.0.0.4');
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => text.includes('{"ok":true}'), 'the first answer');
    await closed(control);
    expect(socket.destroyed).toBe(false);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await closed(socket);
    expect(text.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });
});
