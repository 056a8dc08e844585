import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { png } from '../support/images.js';
import { keyHolders, redisClient, redisUrl } from '../support/stores.js';
import { eventually, startInstance, stopInstance, type Instance } from './instances.js';

// Short real-time settings: an image's whole life fits in a couple of seconds.
const TTL_MS = 1_500;
const ENV = { MESSAGE_TTL_MS: String(TTL_MS), POLL_HOLD_MS: '300' };

/** SCAN every key of the database and DUMP it: the keys whose serialized value holds `needle`, byte for byte. */
async function keysHolding(url: string, needle: Buffer): Promise<string[]> {
  const client = redisClient(url);
  try {
    await client.connect();
    const found: string[] = [];
    for (const node of keyHolders(client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scanBuffer(cursor, 'COUNT', 1000);
        cursor = next.toString();
        for (const key of keys) {
          const dump = await node.dumpBuffer(key);
          if (dump !== null && (dump.includes(needle) || key.includes(needle))) found.push(key.toString());
        }
      } while (cursor !== '0');
    }
    return found;
  } finally {
    client.disconnect();
  }
}

describe.skipIf(redisUrl === undefined)('what Redis holds of an image after it expired', () => {
  let instance: Instance | undefined;
  afterEach(() => stopInstance(instance));

  it('holds none of its bytes, nor its id, expiresAt + 1 s after the upload', async () => {
    instance = await startInstance(redisUrl!, ENV);
    const room = await instance.api.createRoom();
    const ann = await instance.api.join(room, 'Ann');
    // Random filler cannot be compressed by DUMP's LZF, so the bytes appear in the dump as sent.
    const filler = randomBytes(4096);
    const needle = filler.subarray(1000, 1032);
    const { id, expiresAt } = await upload(instance, room, ann.token, png(32, 32, { payload: filler }));
    // While it is live the dump does see the bytes and the id: the search below can fail.
    expect(await keysHolding(redisUrl!, needle)).toHaveLength(1);
    expect((await keysHolding(redisUrl!, Buffer.from(id))).length).toBeGreaterThan(0);

    // Gone within 1 s of expiresAt: waited for until that deadline, and a failure past it.
    await eventually(async () => {
      expect(await keysHolding(redisUrl!, needle)).toEqual([]);
      expect(await keysHolding(redisUrl!, Buffer.from(id))).toEqual([]);
    }, expiresAt + 1_000 - Date.now());
    const gone = await fetch(`${instance.url}/rooms/${room}/images/${id}`, { headers: { Authorization: `Bearer ${ann.token}` } });
    expect(gone.status).toBe(404);
  });

  it('loses its bytes by their own PEXPIRE when no instance is left to sweep', async () => {
    instance = await startInstance(redisUrl!, ENV);
    const room = await instance.api.createRoom();
    const ann = await instance.api.join(room, 'Ann');
    const filler = randomBytes(4096);
    const needle = filler.subarray(2000, 2032);
    const { expiresAt } = await upload(instance, room, ann.token, png(32, 32, { payload: filler }));
    await stopInstance(instance); // SIGKILL: nothing sweeps any more
    expect(await keysHolding(redisUrl!, needle)).toHaveLength(1);
    // Redis's own expiry: the key outlives expiresAt by the 1 s slack, then Redis drops it.
    await eventually(async () => expect(await keysHolding(redisUrl!, needle)).toEqual([]), expiresAt + 2_500 - Date.now());
  });
});

async function upload(instance: Instance, room: string, token: string, bytes: Buffer): Promise<{ id: string; expiresAt: number }> {
  const res = await fetch(`${instance.url}/rooms/${room}/images`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
    body: new Uint8Array(bytes),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; expiresAt: number };
}
