import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { until } from '../support/until.js';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function call(base: string, method: string, path: string, token?: string, body?: unknown, onSent?: () => void): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    if (onSent) req.on('finish', onSent);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

// /proc counts CPU in 10 ms ticks; three quiet 100 ms samples in a row mean the process has nothing left to read.
const IDLE_SAMPLE_MS = 100;
const IDLE_SAMPLES = 3;

/**
 * Resolves once the process has used no CPU for IDLE_SAMPLES samples in a row: it has read
 * everything sent to it. (The server exposes no count of held polls, so its CPU is the condition.)
 */
async function untilIdle(pid: number): Promise<void> {
  let quiet = 0;
  let last = cpuTicks(pid);
  let sampleAt = Date.now() + IDLE_SAMPLE_MS;
  await until(() => {
    if (Date.now() < sampleAt) return false;
    sampleAt += IDLE_SAMPLE_MS;
    const now = cpuTicks(pid);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
    return quiet >= IDLE_SAMPLES;
  }, 'the server to go idle', 30_000);
}

describe('SIGTERM', () => {
  let server: SpawnedServer | undefined;
  afterEach(() => {
    server?.child.kill('SIGKILL');
    agent.destroy();
  });

  it('answers all 1,000 held polls at once and exits within 10 s', async () => {
    // 1,000 connections from one address: above MAX_CONNECTIONS_PER_ADDRESS's default.
    server = await spawnServer({ MAX_CONNECTIONS_PER_ADDRESS: '2000', ROOMS_PER_MINUTE: '1000', ROOM_MAX_CAPACITY: '8', POLL_HOLD_MS: '25000', PRESENCE_TIMEOUT_MS: '60000' });
    const seats: Array<{ room: string; token: string; cursor: string }> = [];
    for (let r = 0; r < 125; r += 1) {
      const { body } = await call(server.url, 'POST', '/rooms', undefined, { capacity: 8 });
      const joins = await Promise.all(Array.from({ length: 8 }, () => call(server!.url, 'POST', `/rooms/${body.room}/join`, undefined, {})));
      for (const join of joins) seats.push({ room: body.room, token: join.body.token, cursor: join.body.cursor });
    }
    // Read past the joins, so the next poll of each seat has nothing new and is held.
    for (const seat of seats) seat.cursor = (await call(server.url, 'GET', `/rooms/${seat.room}/poll?wait=0`, seat.token)).body.cursor;
    const started = Date.now();
    let sent = 0;
    const polls = seats.map((seat) => call(server!.url, 'GET', `/rooms/${seat.room}/poll?cursor=${seat.cursor}`, seat.token, undefined, () => (sent += 1)));
    // A burst of 1,000 connects overflows the listen backlog and some SYNs are retried a second later,
    // so wait until every request is on the wire, then until the server has read them all (it goes idle):
    // a request still unread at SIGTERM sits on a connection that looks idle, and is cut with it.
    await until(() => sent === seats.length, 'every poll to be on the wire', 30_000);
    await untilIdle(server.child.pid!);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const answers = await Promise.all(polls.map((poll) => poll.catch((error: Error) => ({ status: 0, body: error.message }))));
    const answeredMs = Date.now() - signalled;
    const exit = await server.exited;
    const exitedMs = Date.now() - signalled;

    expect(answers).toHaveLength(1_000);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body).slice(0, 3)).toEqual([]);
    for (const [i, answer] of answers.entries()) expect(answer).toEqual({ status: 200, body: { events: [], cursor: seats[i]!.cursor } });
    expect(signalled - started).toBeLessThan(25_000); // they were held, not answered by their timeout
    expect(answeredMs).toBeLessThan(2_000);
    expect(exitedMs).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    expect(server.lines.filter((line) => line.includes('"event":"shutdown"')).join('')).toMatch(/"heldPolls":1000,/);
  }, 60_000);
});
