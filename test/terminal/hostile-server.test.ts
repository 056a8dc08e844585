import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

// A server that answers with an error sentence full of escape sequences (retitle the
// window, clear the screen, a C1 CSI): the CLI must print the sentence, not obey it.
const HOSTILE = '\u001b]0;pwned\u0007no \u001b[2Jrooms\u009b31m today';

describe('phantachat against a hostile server', () => {
  const server = createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: HOSTILE }));
  });
  let url: string;

  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('writes no control character from an error sentence to the terminal', { timeout: 40_000 }, async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'client/terminal/main.ts', 'new', '--server', url], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('no ');
    expect(failed?.stderr).toContain('rooms');
    // eslint-disable-next-line no-control-regex
    expect(failed?.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/u);
  });
});
