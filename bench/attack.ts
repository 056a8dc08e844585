// `npm run attack [-- --seconds 60] [--only idle,slowloris,readers,flood] [--smoke]`
//
// Issue 9's "Done when": each attack runs against `npm start` (dist/server/main.js) while a
// normal two-person chat types beside it; reports keystroke latency p99 and the server's RSS
// at start, at peak and after the attack. Attackers connect from other loopback addresses
// (127.0.0.2 and up) than the chat (127.0.0.1), and from their own process, so the
// attacker's event loop never delays the chat's measurements. Loopback only.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { JsonClient, percentile, SideChat } from './attack-chat.js';
import { freePort } from './free-port.js';
import { ServerProcess, UNLIMITED_CLIENT_ENV } from './server-process.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    only: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'settle-seconds': { type: 'string', default: '15' },
    // Internal: run one attack in this process against --url (and --room) until SIGTERM.
    attacker: { type: 'string' },
    url: { type: 'string' },
    room: { type: 'string' },
  },
});
const SMOKE = args.smoke === true;
const SECONDS = SMOKE ? 5 : Number(args.seconds);
// --smoke scales every count down a hundredfold: a check that the script runs, not a figure.
const scale = (n: number): number => (SMOKE ? Math.max(2, Math.round(n / 100)) : n);
// After an attack ends, RSS is sampled until it is back within 50 MB of the start, at most this long.
const SETTLE_MS = SMOKE ? 2_000 : Number(args['settle-seconds']) * 1_000;
const RSS_SAMPLE_MS = 250;
// The benchmark lifts the hostile-client limits; the attacks are against the defaults of
// `npm start` (an empty value reads as unset).
const DEFAULT_LIMITS_ENV = Object.fromEntries(Object.keys(UNLIMITED_CLIENT_ENV).map((name) => [name, '']));
// An attacker re-opens a connection the server closed after this pause, as the did.
const REOPEN_DELAY_MS = 1_000;
const LARGEST_TEXT = '😀'.repeat(1000);
// A slow reader's pace: a poor mobile link.
const READ_BYTES_PER_SECOND = 4096;

interface Attack {
  name: string;
  describe: string;
  /** Starts the attack; resolves with the function that stops it and releases every socket. */
  start(url: string, chatRoom: string, client: JsonClient): Promise<() => Promise<void>>;
}

/** Keeps `count` sockets from `addresses` open, re-opening each one the server closes. */
function holdSockets(url: string, count: number, addresses: (i: number) => string, onOpen: (socket: Socket, i: number) => void): () => Promise<void> {
  const { port } = new URL(url);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const open = (i: number): void => {
    if (stopped) return;
    const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress: addresses(i) });
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('connect', () => onOpen(socket, i));
    socket.once('close', () => {
      sockets.delete(socket);
      const timer = setTimeout(() => {
        timers.delete(timer);
        open(i);
      }, REOPEN_DELAY_MS);
      timers.add(timer);
    });
  };
  for (let i = 0; i < count; i += 1) open(i);
  return async () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
  };
}

const attacks: Attack[] = [
  {
    name: 'idle',
    describe: `${scale(5000)} idle connections from one address`,
    async start(url) {
      return holdSockets(url, scale(5000), () => '127.0.0.2', () => {});
    },
  },
  {
    name: 'slowloris',
    describe: `${scale(2000)} slowloris connections (a header line every 5 s, never ending)`,
    async start(url) {
      const sockets = new Set<Socket>();
      const stop = holdSockets(url, scale(2000), () => '127.0.0.3', (socket) => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      const trickle = setInterval(() => {
        for (const socket of sockets) socket.write('X-Slow: 1\r\n');
      }, 5_000);
      return async () => {
        clearInterval(trickle);
        await stop();
      };
    },
  },
  {
    name: 'readers',
    describe: `${scale(1000)} slow readers of the largest answers (from 20 addresses; each polls wait=0, reads 4 KB a second, polls again when done)`,
    async start(url, _chatRoom, client) {
      // The room with the largest answers an attacker can make: eight seats sending the longest texts.
      const { body } = await client.call('POST', '/rooms', { capacity: 8 });
      const room = body.room as string;
      const tokens: string[] = [];
      for (let i = 0; i < 8; i += 1) tokens.push((await client.call('POST', `/rooms/${room}/join`, { name: `Reader ${i}` })).body.token as string);
      let filling = true;
      const fill = (async () => {
        while (filling) {
          await Promise.all(tokens.map((token) => client.call('POST', `/rooms/${room}/send`, { text: LARGEST_TEXT }, token).catch(() => undefined)));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      // Each reader polls with wait=0, reads its answer 4 KB a second, and polls again once it has
      // read it all; when the server cuts it, it reconnects and starts over.
      const readers = new Map<Socket, { head: string; remaining: number | undefined }>();
      const poll = (socket: Socket, i: number): void => {
        socket.write(`GET /rooms/${room}/poll?wait=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens[i % tokens.length]}\r\n\r\n`);
      };
      let opened = 0;
      const stop = holdSockets(url, scale(1000), (i) => `127.0.1.${(i % 20) + 1}`, (socket, i) => {
        socket.pause();
        readers.set(socket, { head: '', remaining: undefined });
        socket.once('close', () => readers.delete(socket));
        opened += 1;
        poll(socket, i);
      });
      let i = 0;
      const tick = setInterval(() => {
        for (const [socket, reader] of readers) {
          i += 1;
          const chunk = socket.readableLength > 0 ? (socket.read(Math.min(READ_BYTES_PER_SECOND, socket.readableLength)) as Buffer | null) : null;
          if (chunk === null) continue;
          if (reader.remaining === undefined) {
            reader.head += chunk.toString('latin1');
            const end = reader.head.indexOf('\r\n\r\n');
            if (end < 0) continue;
            const length = Number(/content-length: *(\d+)/i.exec(reader.head.slice(0, end))?.[1] ?? 0);
            reader.remaining = length - (reader.head.length - end - 4);
          } else reader.remaining -= chunk.length;
          if (reader.remaining <= 0) {
            reader.head = '';
            reader.remaining = undefined;
            poll(socket, i);
          }
        }
      }, 1_000);
      return async () => {
        clearInterval(tick);
        filling = false;
        await fill;
        await stop();
        process.stdout.write(`  readers: ${opened} connections opened\n`);
      };
    },
  },
  {
    name: 'flood',
    describe: 'one participant of the chat room sending as fast as it can (8 sends in flight)',
    async start(_url, chatRoom, client) {
      const { token } = (await client.call('POST', `/rooms/${chatRoom}/join`, { name: 'Flood' })).body as { token: string };
      let flooding = true;
      let accepted = 0;
      let refused = 0;
      const lane = async (): Promise<void> => {
        while (flooding) {
          const res = await client.call('POST', `/rooms/${chatRoom}/send`, { text: LARGEST_TEXT }, token).catch(() => undefined);
          if (res?.status === 200) accepted += 1;
          else refused += 1;
        }
      };
      const lanes = Array.from({ length: 8 }, lane);
      return async () => {
        flooding = false;
        await Promise.all(lanes);
        process.stdout.write(`  flood: ${accepted} sends accepted, ${refused} refused\n`);
      };
    },
  },
];

/** The attacker's own process: `--attacker <name>`; it says "ready" once attacking and stops on SIGTERM. */
async function runAttacker(name: string, url: string, room: string): Promise<void> {
  const attack = attacks.find((candidate) => candidate.name === name);
  if (attack === undefined) throw new Error(`no attack ${name}`);
  const client = new JsonClient(url);
  const stop = await attack.start(url, room, client);
  process.stdout.write('ready\n');
  await once(process, 'SIGTERM');
  await stop();
  await client.close();
  process.exit(0);
}

async function startAttacker(attack: Attack, url: string, room: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/attack.ts', '--attacker', attack.name, '--url', url, '--room', room, ...(SMOKE ? ['--smoke'] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (out.includes('ready\n')) process.stdout.write(out.replace('ready\n', ''));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => out.includes('ready\n') && resolve());
    void exited.then(() => reject(new Error(`attacker ${attack.name} exited before it was ready`)));
  });
  out = '';
  return async () => {
    child.kill('SIGTERM');
    await exited;
    process.stdout.write(out);
  };
}

async function run(attack: Attack): Promise<void> {
  const server = await ServerProcess.start({ name: 'phantachat', nodeArgs: ['dist/server/main.js'], env: DEFAULT_LIMITS_ENV }, { port: await freePort(), cpu: undefined });
  const client = new JsonClient(server.url);
  try {
    const chat = await SideChat.open(client, attack.name === 'flood' ? 3 : 2);
    chat.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const startRss = (await server.memory()).rssBytes;
    let peakRss = startRss;
    const sampler = setInterval(() => {
      void server.memory().then((m) => (peakRss = Math.max(peakRss, m.rssBytes)), () => {});
    }, RSS_SAMPLE_MS);
    const stop = await startAttacker(attack, server.url, chat.room);
    chat.latenciesMs.length = 0; // only keystrokes typed while the attack is on count
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
    await stop();
    const during = chat.latenciesMs.length;
    const p99 = percentile(chat.latenciesMs, 99);
    const settleUntil = Date.now() + SETTLE_MS;
    let afterRss = (await server.memory()).rssBytes;
    while (Date.now() < settleUntil && afterRss - startRss > 50 * 2 ** 20) {
      await new Promise((resolve) => setTimeout(resolve, RSS_SAMPLE_MS));
      afterRss = (await server.memory()).rssBytes;
    }
    clearInterval(sampler);
    await chat.stop();
    const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    process.stdout.write(
      `${attack.name}: ${attack.describe}, ${SECONDS} s\n` +
        `  keystrokes ${during}, latency p50 ${percentile(chat.latenciesMs, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${Math.max(...chat.latenciesMs).toFixed(0)} ms; failed sends ${chat.failedSends}, failed polls ${chat.failedPolls}\n` +
        `  RSS start ${mb(startRss)}, peak ${mb(peakRss)}, after ${mb(afterRss)} (${p99 < 250 && peakRss < 300 * 2 ** 20 && afterRss - startRss <= 50 * 2 ** 20 ? 'meets' : 'MISSES'} p99 < 250 ms, RSS < 300 MB, back within 50 MB)\n`,
    );
  } finally {
    await client.close();
    await server.stop();
  }
}

if (args.attacker !== undefined) await runAttacker(args.attacker, args.url!, args.room!);
else {
  const chosen = args.only === undefined ? attacks : attacks.filter((attack) => args.only!.split(',').includes(attack.name));
  for (const attack of chosen) await run(attack);
}
