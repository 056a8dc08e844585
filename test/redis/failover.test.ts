import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../client/core/backoff.js';
import type { ChatEvent } from '../../server/protocol.js';
import { redisCluster, redisUrl } from '../support/stores.js';
import { until } from '../support/until.js';
import { startInstances, stopInstances, testKeys, type Instance } from './instances.js';

// A 20 s hold is far beyond the 5 s each character typed after the failover has to reach Bob:
// a held poll that misses its wake-up across the move fails the test instead of answering late.
const ENV = { POLL_HOLD_MS: '20000', PRESENCE_TIMEOUT_MS: '30000', ROOM_IDLE_MS: '5000' };
const TYPED = [...'the shard moves and nothing is lost'];
// The failover starts after this many characters; Ann types on while it runs, up to here, and
// then waits for the replica to say it is master before the rest.
const FAILOVER_AT = 12;
const PROMOTED_BY = 20;
// Manual failovers take well under a second here; CLUSTER FAILOVER itself gives up after 5 s.
const PROMOTION_TIMEOUT_MS = 15_000;
// Every node agreeing again after a failover: gossip rounds of 100 ms, a resync of the new replica.
const SETTLE_TIMEOUT_MS = 20_000;
// A replica that won an election less than 4 cluster-node-timeouts ago (8 s here) does not hold
// a new one when CLUSTER FAILOVER asks: Redis 7.0 keeps the last election's state for that long,
// so the replica either claims the slots at once with its old, lower epoch and is overruled by
// its master (the failover never happens, the master stays paused for 5 s), or gives up with
// "Failover attempt expired". Back-to-back runs of this file hit it whenever two of them pick the
// same shard. The room is put on a shard whose last election is older than that (quietShard),
// and waiting for a quiet shard takes at most this long.
const QUIET_TIMEOUT_MS = 30_000;
// Rooms drawn, at worst, until one hashes to a quiet shard (each does with 1 chance in 3 or better).
const MAX_ROOM_DRAWS = 60;
// A send or poll the clients would retry goes again for this long, then fails the test.
const RETRY_FOR_MS = 15_000;
// Milliseconds on one machine; 5 s leaves room for a loaded one and stays far below the hold.
const ARRIVAL_TIMEOUT_MS = 5_000;

interface ClusterNode {
  id: string;
  host: string;
  port: number;
  flags: string[];
  /** For a replica, the id of its master. */
  masterId: string | undefined;
  slots: Array<[number, number]>;
}

/** One line of CLUSTER NODES: `<id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot>...`. */
function parseNodes(text: string): ClusterNode[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.trim().split(' ');
      const hostPort = address!.split('@')[0]!;
      const colon = hostPort.lastIndexOf(':');
      return {
        id: id!,
        host: hostPort.slice(0, colon),
        port: Number(hostPort.slice(colon + 1)),
        flags: flags!.split(','),
        masterId: master === '-' ? undefined : master,
        // Importing/migrating entries ("[slot-<-id]") are not ownership.
        slots: slots.filter((s) => !s.startsWith('[')).map((s) => {
          const [low, high] = s.split('-').map(Number);
          return [low!, high ?? low!];
        }),
      };
    });
}

/** Plain connections to single nodes (not a Cluster client: these commands are about one node). */
class ClusterAdmin {
  private readonly clients = new Map<string, Redis>();

  constructor(private readonly entry: { host: string; port: number }) {}

  node(node: { host: string; port: number }): Redis {
    const key = `${node.host}:${node.port}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      client = new Redis({ host: node.host, port: node.port, maxRetriesPerRequest: 1 });
      client.on('error', () => {}); // a node briefly refusing shows as a failed command, checked again
      this.clients.set(key, client);
    }
    return client;
  }

  async nodes(from: { host: string; port: number } = this.entry): Promise<ClusterNode[]> {
    return parseNodes((await this.node(from).call('CLUSTER', 'NODES')) as string);
  }

  async role(node: ClusterNode): Promise<string | undefined> {
    return /^role:(\w+)/m.exec(await this.node(node).info('replication'))?.[1];
  }

  /** True once `node` replicates from `master` (as it says itself). */
  async follows(node: ClusterNode, master: ClusterNode): Promise<boolean> {
    const replication = await this.node(node).info('replication');
    return /^role:slave/m.test(replication) && Number(/^master_port:(\d+)/m.exec(replication)?.[1]) === master.port;
  }

  /** How long (ms) Redis keeps a replica's last election in force: 2 × max(2 × cluster-node-timeout, 2 s). */
  async electionRetryMs(node: ClusterNode): Promise<number> {
    const [, timeout] = (await this.node(node).config('GET', 'cluster-node-timeout')) as [string, string];
    return 2 * Math.max(2 * Number(timeout), 2_000);
  }

  /**
   * True when neither node of the shard can have won an election within the retry time, so a
   * CLUSTER FAILOVER (now, and back in afterAll) holds a real one. The replica's link to its
   * master opened after both the master's last win and its own, so its age (whole seconds, as
   * CLIENT LIST gives it) bounds the time since either.
   */
  async quiet(shard: { master: ClusterNode; replica: ClusterNode }): Promise<boolean> {
    try {
      // The replica's one connection of type master, when its link is up.
      const link = (await this.node(shard.replica).call('CLIENT', 'LIST', 'TYPE', 'master')) as string;
      const age = Number(/ age=(\d+)/.exec(link)?.[1]);
      return Number.isFinite(age) && age * 1_000 > (await this.electionRetryMs(shard.replica));
    } catch {
      return false; // a node busy with a failover: asked again
    }
  }

  /** Every master with a replica, as shards. */
  async shards(): Promise<Array<{ master: ClusterNode; replica: ClusterNode }>> {
    const nodes = await this.nodes();
    return nodes
      .filter((n) => n.flags.includes('master') && n.slots.length > 0)
      .flatMap((master) => nodes.filter((n) => n.flags.includes('slave') && n.masterId === master.id).slice(0, 1).map((replica) => ({ master, replica })));
  }

  /** The master serving `key`'s slot, and its replica. */
  async shardOf(key: string): Promise<{ master: ClusterNode; replica: ClusterNode }> {
    const slot = (await this.node(this.entry).call('CLUSTER', 'KEYSLOT', key)) as number;
    const nodes = await this.nodes();
    const master = nodes.find((n) => n.flags.includes('master') && n.slots.some(([low, high]) => slot >= low && slot <= high));
    const replica = nodes.find((n) => n.flags.includes('slave') && n.masterId === master?.id);
    if (master === undefined || replica === undefined) throw new Error(`no master with a replica serves slot ${slot}:\n${nodes.map((n) => JSON.stringify(n)).join('\n')}`);
    return { master, replica };
  }

  /**
   * CLUSTER FAILOVER (the coordinated kind: the master hands over once the replica has all its
   * writes); resolves once the replica reports role:master and its old master replicates from it.
   * role:master alone is no proof: a replica whose last election is too recent says so for a
   * moment before its master, with the higher epoch, takes it back.
   */
  async promote(replica: ClusterNode, master: ClusterNode): Promise<void> {
    expect(await this.node(replica).call('CLUSTER', 'FAILOVER')).toBe('OK');
    const done = async (): Promise<boolean> => (await this.role(replica)) === 'master' && (await this.follows(master, replica));
    await until(done, `${replica.port} to take over from ${master.port}`, PROMOTION_TIMEOUT_MS);
  }

  /**
   * Healthy as .ci/redis-cluster leaves it: every node says cluster_state:ok and names the same
   * masters, none is flagged failing, and every replica's link to its master is up.
   */
  async settled(): Promise<boolean> {
    try {
      const nodes = await this.nodes();
      const masters = (view: ClusterNode[]): string => view.filter((n) => n.flags.includes('master')).map((n) => n.id).sort().join();
      for (const node of nodes) {
        if (node.flags.some((flag) => ['fail', 'fail?', 'handshake', 'noaddr'].includes(flag))) return false;
        if (!/^cluster_state:ok/m.test((await this.node(node).call('CLUSTER', 'INFO')) as string)) return false;
        if (masters(await this.nodes(node)) !== masters(nodes)) return false;
        const replication = await this.node(node).info('replication');
        if (/^role:slave/m.test(replication) && !/^master_link_status:up/m.test(replication)) return false;
      }
      return true;
    } catch {
      return false; // a node busy with the failover: asked again
    }
  }

  close(): void {
    for (const client of this.clients.values()) client.disconnect();
  }
}

/** A call that the clients would retry (503 while the store is away, or no answer): retried with their backoff, until `deadline`. */
async function retried<T>(what: string, attempt: () => Promise<{ status: number; body: any }>, accept: (body: any) => T, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let failures = 1; ; failures += 1) {
    let problem: string;
    try {
      const res = await attempt();
      if (res.status === 200) return accept(res.body);
      if (res.status !== 503) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      problem = '503';
    } catch (error) {
      if (signal?.aborted || (error instanceof Error && error.message.startsWith(`${what}:`))) throw error;
      problem = String(error);
    }
    if (Date.now() > deadline) throw new Error(`${what}: still failing after ${RETRY_FOR_MS} ms (${problem})`);
    await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(failures, Math.random)));
  }
}

describe.skipIf(!redisCluster || redisUrl === undefined)('CLUSTER FAILOVER of a room\'s shard mid-conversation', () => {
  let a: Instance;
  let b: Instance;
  let admin: ClusterAdmin;
  let original: { master: ClusterNode; replica: ClusterNode } | undefined;
  beforeAll(async () => {
    const url = new URL(redisUrl!);
    admin = new ClusterAdmin({ host: url.hostname, port: Number(url.port || 6379) });
    await until(() => admin.settled(), 'the cluster to be healthy before the test', SETTLE_TIMEOUT_MS);
    // Right after another run of this file, its shard is not quiet yet; the others are.
    await until(async () => (await Promise.all((await admin.shards()).map((shard) => admin.quiet(shard)))).some(Boolean), 'a shard with no recent election', QUIET_TIMEOUT_MS);
    [a, b] = (await startInstances(redisUrl!, 2, ENV)) as [Instance, Instance];
  }, SETTLE_TIMEOUT_MS + QUIET_TIMEOUT_MS + 30_000);
  afterAll(async () => {
    await stopInstances([a, b]);
    // Hand the shard back, so later files meet the cluster as .ci/redis-cluster made it.
    if (original !== undefined && (await admin.role(original.master)) !== 'master') {
      await until(() => admin.settled(), 'the cluster to settle before the failover back', SETTLE_TIMEOUT_MS);
      await admin.promote(original.master, original.replica);
    }
    await until(() => admin.settled(), 'the cluster to be healthy again after the test', SETTLE_TIMEOUT_MS);
    admin.close();
  }, 2 * SETTLE_TIMEOUT_MS + PROMOTION_TIMEOUT_MS);

  it('delivers every character typed across the failover to the other instance promptly, once and in order', async () => {
    // A room on a quiet shard (see QUIET_TIMEOUT_MS): rooms land on shards at random.
    let room: string | undefined;
    for (let draw = 0; draw < MAX_ROOM_DRAWS && room === undefined; draw += 1) {
      const drawn = await a.api.createRoom();
      const shard = await admin.shardOf(testKeys.room(drawn));
      if (await admin.quiet(shard)) [room, original] = [drawn, shard];
    }
    if (room === undefined || original === undefined) throw new Error(`no room on a quiet shard in ${MAX_ROOM_DRAWS} draws`);
    const ann = await a.api.join(room, 'Ann');
    const bob = await b.api.join(room, 'Bob');
    const { master, replica } = original;

    // Bob polls on B with the server's hold, as the page does: the same cursor again after a failure.
    const received: ChatEvent[] = [];
    const texts = (): ChatEvent[] => received.filter((e) => e.type === 'text');
    let readError: unknown;
    const stopReading = new AbortController();
    const poll = (cursor: string) => b.api.call('GET', `/rooms/${room}/poll?cursor=${cursor}`, { token: bob.token, signal: stopReading.signal });
    const reading = (async () => {
      let cursor = bob.cursor;
      while (texts().length < TYPED.length) {
        const answer = await retried('poll', () => poll(cursor), (body: { events: ChatEvent[]; cursor: string }) => body, stopReading.signal);
        received.push(...answer.events);
        cursor = answer.cursor;
      }
    })().catch((error: unknown) => void (readError = stopReading.signal.aborted ? undefined : error));
    const arrived = (count: number, what: string) => until(() => readError !== undefined || texts().length >= count, what, ARRIVAL_TIMEOUT_MS);

    // Ann types on A, one character a send, each with its seq; a failed send goes again with the same seq.
    const sent: string[] = [];
    const type = async (seq: number): Promise<void> => {
      const body = { text: TYPED[seq], seq };
      sent.push(await retried(`send ${seq}`, () => a.api.call('POST', `/rooms/${room}/send`, { token: ann.token, body }), (res: { id: string }) => res.id));
    };
    try {
      for (let seq = 0; seq < FAILOVER_AT; seq += 1) await type(seq);
      // The failover begins with Bob's poll held on B, subscribed on the shard's old master.
      // Bob's only poll in flight: once B holds one, it is the one after the first characters.
      const held = async (): Promise<boolean> => texts().length === FAILOVER_AT && (await b.api.heldPolls()) === 1;
      await until(async () => readError !== undefined || (await held()), 'Bob to have the first characters and be held again');
      const promotion = admin.promote(replica, master);
      // Ann types on while the replica takes over, then waits for it to say it is master.
      for (let seq = FAILOVER_AT; seq < PROMOTED_BY; seq += 1) await type(seq);
      await promotion;
      // Turn by turn afterwards: a wake-up lost to the move (a poll that would sit out its 20 s
      // hold) shows as the character that does not arrive.
      for (let seq = PROMOTED_BY; seq < TYPED.length; seq += 1) {
        await type(seq);
        await arrived(seq + 1, `Bob to receive character ${seq} after the promotion`);
      }
    } finally {
      stopReading.abort();
      await reading;
    }
    expect(readError).toBeUndefined();

    // The failover did happen: once every node agrees, the replica serves the room's slot and its old master follows it.
    await until(() => admin.settled(), 'the cluster to settle after the failover', SETTLE_TIMEOUT_MS);
    expect((await admin.shardOf(testKeys.room(room))).master.id).toBe(replica.id);
    expect(await admin.role(master)).toBe('slave');

    // Every character once, in order, as the events of Ann's sends (no send made two).
    expect(texts().map((e) => e.text).join('')).toBe(TYPED.join(''));
    expect(texts().map((e) => e.id)).toEqual(sent);
    expect(new Set(sent).size).toBe(TYPED.length);
    const seqs = received.map((e) => Number(e.id.split('.')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  }, 60_000);
});
