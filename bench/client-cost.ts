/**
 * npx tsx bench/client-cost.ts [--requests=N]
 *
 * What one request costs the generator's client side, in CPU microseconds, against the
 * floor server: bare undici `pool.request`, client/core's ApiClient over that pool
 * (what the bench drives), the same but answering with a WHATWG Response (what Io's
 * fetch type demanded before it took a lean { ok, status, text }), and client/core
 * over WHATWG fetch (what a browser-style host would use). Sequential sends, so it measures cost, not concurrency.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { ApiClient } from '../client/core/api-client.js';
import { hostIo } from '../client/core/io.js';
import { contenders, FLOOR } from './contenders.js';
import { undiciIo } from './drivers/undici-io.js';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';

// Enough to warm the JIT and undici's connection before the measured requests.
const WARMUP_REQUESTS = 300;

const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' } } });
const requests = Number(values.requests);

const floor = (await contenders({ fromSource: true })).find((c) => c.spec.name === FLOOR)!;
const server = await ServerProcess.start(floor.spec, { port: await freePort(), cpu: undefined });
const pool = new Pool(server.url, { connections: 2 });
try {
  const created = await pool.request({ method: 'POST', path: '/rooms' });
  const { room } = (await created.body.json()) as { room: string };
  const core = new ApiClient(undiciIo(pool, server.url), server.url);
  const joined = await core.join(room, 'a');
  if (!joined.ok) throw new Error(`join failed: ${joined.error}`);
  const token = joined.body.token;
  const viaFetch = new ApiClient(hostIo(), server.url);
  const lean = undiciIo(pool, server.url);
  const withResponse = new ApiClient(
    {
      ...lean,
      fetch: async (url, init) => {
        const answer = await lean.fetch(url, init);
        return new Response(await answer.text(), { status: answer.status });
      },
    },
    server.url,
  );
  const headers = { accept: 'application/json', authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let seq = 1;

  const ways: Array<[string, () => Promise<unknown>]> = [
    ['undici pool.request', async () => (await pool.request({ method: 'POST', path: `/rooms/${room}/send`, headers, body: JSON.stringify({ text: 'k', seq: seq++ }) })).body.text()],
    ['client/core over the pool (the bench)', () => core.send(room, token, { text: 'k', seq: seq++ })],
    ['client/core over the pool, WHATWG Response', () => withResponse.send(room, token, { text: 'k', seq: seq++ })],
    ['client/core over WHATWG fetch', () => viaFetch.send(room, token, { text: 'k', seq: seq++ })],
  ];
  // Every way warms up before any is measured: undici's parser and the JIT are shared.
  for (const [, once] of ways) for (let i = 0; i < WARMUP_REQUESTS; i += 1) await once();
  for (const [name, once] of ways) {
    const before = process.cpuUsage();
    for (let i = 0; i < requests; i += 1) await once();
    const used = process.cpuUsage(before);
    process.stdout.write(`${name.padEnd(44)} ${Math.round((used.user + used.system) / requests)} µs CPU / request\n`);
  }
} finally {
  await pool.destroy();
  await server.stop();
}
