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

const COMPILED = [
  { source: 'bench/peer/socketio-server.ts', output: 'dist/bench/peer/socketio-server.js' },
  { source: 'bench/floor/floor-server.ts', output: 'dist/bench/floor/floor-server.js' },
];

/**
 * Every server runs as plain JavaScript on plain node: ours from `npm run build`'s output
 * (what `npm start` runs), the peer and the floor compiled here. `fromSource` runs our
 * server through tsx instead, for the smoke test, which must not depend on a fresh build.
 * Phantachat and the floor are driven by the same client (client/core), unchanged.
 */
export async function contenders({ fromSource }: { fromSource: boolean }): Promise<Contender[]> {
  for (const { source, output } of COMPILED) {
    await build({ entryPoints: [source], outfile: output, bundle: true, packages: 'external', platform: 'node', format: 'esm', logLevel: 'warning' });
  }
  return [
    {
      spec: { name: OURS, nodeArgs: fromSource ? ['--import', 'tsx', 'server/main.ts'] : ['dist/server/main.js'] },
      client: (origin, errors) => new PhantachatClient(OURS, origin, errors),
    },
    {
      spec: { name: PEER, nodeArgs: [COMPILED[0]!.output] },
      client: (origin, errors) => new SocketIoClient(origin, errors),
    },
    {
      spec: { name: FLOOR, nodeArgs: [COMPILED[1]!.output] },
      client: (origin, errors) => new PhantachatClient(FLOOR, origin, errors),
    },
  ];
}
