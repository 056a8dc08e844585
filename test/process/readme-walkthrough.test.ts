import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

/** The `sh` blocks of the README's curl section, exactly as a reader would paste them. */
function curlBlocks(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Try it with curl');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((block) => block[1]!);
}

describe('README curl walkthrough', () => {
  let server: SpawnedServer | undefined;
  let loop: ChildProcess | undefined;
  afterEach(() => {
    // The loop runs in its own process group: end bash and the curl it is waiting on.
    if (loop?.pid !== undefined && loop.exitCode === null) process.kill(-loop.pid, 'SIGKILL');
    loop = undefined;
    server?.child.kill('SIGKILL');
  });

  it('works pasted as written', async () => {
    server = await spawnServer({});
    const host = server.url.replace('http://', '');
    const script = curlBlocks()[0]!.replaceAll('localhost:3000', host);
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 20_000 });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^room: http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9]{12,}$/);
    expect(JSON.parse(lines[1]!).events).toEqual([expect.objectContaining({ type: 'join', name: 'Ann' })]);
    expect(lines[2]).toMatch(/^\{"id":"[^"]+"\}\{"id":"[^"]+"\}$/);
    expect(JSON.parse(lines[3]!).events.map((e: { text: string }) => e.text)).toEqual(['hel', 'lo!']);
    expect(lines[4]).toBe('image: 200 image/png 70 bytes');
    expect(lines[5]).toBe('leave: 204');
    expect(lines).toHaveLength(6);
  }, 30_000);

  it('then the second-terminal loop, pasted as written, shows what another participant types', async () => {
    server = await spawnServer({});
    const host = server.url.replace('http://', '');
    const [walkthrough, second] = curlBlocks().map((block) => block.replaceAll('localhost:3000', host));
    expect(second).toContain('while R=$(curl');
    const { stdout } = await promisify(execFile)('bash', ['-c', walkthrough!], { timeout: 20_000 });
    const room = /\/([A-Za-z0-9]+)\n/.exec(stdout)![1]!;

    // A second terminal: a fresh shell with only ROOM set, as the README asks.
    loop = spawn('bash', ['-c', second!], { env: { PATH: process.env.PATH ?? '', ROOM: room }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    loop.stdout!.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    const until = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!check()) {
        if (Date.now() > deadline || loop!.exitCode !== null) throw new Error(`${what}; the loop printed:\n${printed}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => printed.includes('"name":"Bob"'), 'Bob never saw his own join');

    // Someone else types in the room; the loop prints it.
    const join = await fetch(`${server.url}/rooms/${room}/join`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name": "Cy"}' });
    expect(join.status).toBe(201);
    const { token } = (await join.json()) as { token: string };
    const sent = await fetch(`${server.url}/rooms/${room}/send`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' }, body: 'hi Bob' });
    expect(sent.status).toBe(200);
    await until(() => printed.includes('"text":"hi Bob"'), 'the loop never printed what Cy typed');
    for (const line of printed.trim().split('\n')) expect(JSON.parse(line)).toHaveProperty('cursor');
  }, 45_000);
});
