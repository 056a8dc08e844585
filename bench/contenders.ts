import { build } from 'esbuild';
import type { BenchClient, ErrorTally } from './bench-client.js';
import { PhantachatClient } from './drivers/phantachat-client.js';
import { SocketIoClient } from './drivers/socketio-client.js';
import type { ServerSpec } from './server-process.js';

/** A server under test and the client library that drives it. */
export interface Contender {
  spec: ServerSpec;
  client(origin: string, errors: ErrorTally): BenchClient;
}

/** Report names, in table order: the project, the peer, the floor. */
export const OURS = 'phantachat';
export const PEER = 'socket.io';
export const FLOOR = 'floor';

const PEER_OUTPUT = 'dist/bench/peer/socketio-server.js';
export const FLOOR_OUTPUT = 'dist/bench/floor/floor-server.js';
const OURS_FROM_SOURCE_OUTPUT = 'dist/bench/phantachat/main.js';

/**
 * Every server runs as plain JavaScript on plain node: ours from `npm run build`'s output
 * (what `npm start` runs), the peer and the floor compiled here. `fromSource` compiles
 * our server from its sources here too, for the smoke test, which must not depend on a
 * fresh build (and must not spend seconds in tsx's loader at every start).
 * Phantachat and the floor are driven by the same client (client/core), unchanged.
 */
export async function contenders({ fromSource }: { fromSource: boolean }): Promise<Contender[]> {
  await compile('bench/peer/socketio-server.ts', PEER_OUTPUT);
  await compileFloor();
  if (fromSource) await compile('server/main.ts', OURS_FROM_SOURCE_OUTPUT);
  return [
    {
      spec: { name: OURS, nodeArgs: [fromSource ? OURS_FROM_SOURCE_OUTPUT : 'dist/server/main.js'] },
      client: (origin, errors) => new PhantachatClient(OURS, origin, errors),
    },
    {
      spec: { name: PEER, nodeArgs: [PEER_OUTPUT] },
      client: (origin, errors) => new SocketIoClient(origin, errors),
    },
    {
      spec: { name: FLOOR, nodeArgs: [FLOOR_OUTPUT] },
      client: (origin, errors) => new PhantachatClient(FLOOR, origin, errors),
    },
  ];
}

/** The floor alone, for benches that set it beside other setups (bench/redis-compare.ts). */
export function compileFloor(): Promise<unknown> {
  return compile('bench/floor/floor-server.ts', FLOOR_OUTPUT);
}

function compile(source: string, outfile: string): Promise<unknown> {
  return build({ entryPoints: [source], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
}
