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

const PEER_SOURCE = 'bench/peer/socketio-server.ts';
const PEER_OUTPUT = 'dist/bench/peer/socketio-server.js';

/**
 * Both servers run as plain JavaScript on plain node: ours from `npm run build`'s output
 * (what `npm start` runs), the peer compiled here. `fromSource` runs our server through
 * tsx instead, for the smoke test, which must not depend on a fresh build.
 */
export async function contenders({ fromSource }: { fromSource: boolean }): Promise<Contender[]> {
  await build({ entryPoints: [PEER_SOURCE], outfile: PEER_OUTPUT, bundle: true, packages: 'external', platform: 'node', format: 'esm', logLevel: 'warning' });
  return [
    {
      spec: { name: 'phantachat', nodeArgs: fromSource ? ['--import', 'tsx', 'server/main.ts'] : ['dist/server/main.js'] },
      client: (origin, errors) => new PhantachatClient(origin, errors),
    },
    {
      spec: { name: 'socket.io', nodeArgs: [PEER_OUTPUT] },
      client: (origin, errors) => new SocketIoClient(origin, errors),
    },
  ];
}
