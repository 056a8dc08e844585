import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { startForwardProxy, type ForwardProxy } from './forward-proxy.js';
import { HttpParticipant } from './http-participant.js';
import { hasTmux, TmuxPane } from './tmux.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'client/terminal/main.ts'];
const tmux = await hasTmux();

/** Runs the CLI to completion with only PATH and the given environment. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('phantachat behind an HTTP proxy', () => {
  let server: SpawnedServer;
  let proxy: ForwardProxy;
  let host: string;

  beforeAll(async () => {
    server = await spawnServer({});
    proxy = await startForwardProxy();
    host = new URL(server.url).host;
  });

  afterAll(async () => {
    await proxy?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('creates a room through HTTP_PROXY', { timeout: 40_000 }, async () => {
    proxy.seen.length = 0;
    const result = await cli(['new', '--server', server.url], { HTTP_PROXY: proxy.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const link = result.stdout.trim();
    expect(link.startsWith(`${server.url}/`)).toBe(true);
    expect(proxy.seen.some((line) => line.endsWith(host))).toBe(true);
    expect((await fetch(`${server.url}/rooms/${link.slice(server.url.length + 1)}`)).status).toBe(200);
  });

  it('goes around the proxy for a host in NO_PROXY', { timeout: 40_000 }, async () => {
    proxy.seen.length = 0;
    const result = await cli(['new', '--server', server.url], { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(result.code).toBe(0);
    expect(proxy.seen).toEqual([]);
  });

  it('fails with a sentence when the proxy cannot be reached', { timeout: 40_000 }, async () => {
    const result = await cli(['new', '--server', server.url], { HTTP_PROXY: `http://127.0.0.1:${await freePort()}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^phantachat: could not reach http:\/\/127\.0\.0\.1:\d+: /u);
  });

  it.skipIf(!tmux)('chats through the proxy: held polls and keystrokes', { timeout: 60_000 }, async () => {
    const created = await fetch(`${server.url}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { room } = (await created.json()) as { room: string };
    const bo = new HttpParticipant(server.url, room);
    await bo.join('Bo');
    const pane = new TmuxPane({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', HTTP_PROXY: proxy.url });
    proxy.seen.length = 0;
    try {
      await pane.start(80, 24);
      await pane.type(`${process.execPath} ${CLI.join(' ')} ${server.url}/${room} --name Ann`);
      await pane.press('Enter');
      await waitFor('the chat screen', async () => (await pane.capture()).join('\n').includes('● connected'), 30_000);
      const ann = await waitFor('Ann in the room', () => bo.events.find((e) => e.type === 'join' && e.name === 'Ann')?.from);
      await pane.type('via proxy');
      await waitFor("Ann's keys at Bo", () => bo.textFrom(ann) === 'via proxy');
      expect(proxy.seen.length).toBeGreaterThan(0);
      expect(proxy.seen.every((line) => line.endsWith(host))).toBe(true);
    } finally {
      await pane.kill();
      await bo.stop();
    }
  });
});
