import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

const run = promisify(execFile);
const METRICS_TOKEN = 'production-tree-token-0123';
// npm ci of every devDependency, from the local cache, on a loaded two-core machine.
const BUILD_TIMEOUT_MS = 300_000;

/** What the Dockerfile copies into its build stage: the tree, less what .dockerignore keeps out. */
function copySources(into: string): void {
  const ignored = new Set(['node_modules', 'dist', 'coverage', '.git', 'test/artifacts']);
  cpSync('.', into, { recursive: true, filter: (source) => !ignored.has(relative('.', source)) && !source.endsWith('.cpuprofile') });
}

/** The run stage's CMD, from the Dockerfile itself. */
function dockerCmd(): string[] {
  const line = readFileSync('Dockerfile', 'utf8').split('\n').find((l) => l.startsWith('CMD '));
  return JSON.parse(line!.slice(4)) as string[];
}

/** The Procfile's web command, run the way Heroku and foreman do: through a shell. */
function procfileWeb(): string {
  const line = readFileSync('Procfile', 'utf8').split('\n').find((l) => l.startsWith('web:'));
  return line!.slice(4).trim();
}

async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; bearer?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, text, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined };
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}


/** A room of two, both seated, with a poll of Bob's held open. */
async function heldPoll(base: string) {
  const room = (await call(base, 'POST', '/rooms', { body: { capacity: 2 } })).body.room as string;
  const ann = (await call(base, 'POST', `/rooms/${room}/join`, { body: { name: 'Ann' } })).body;
  const bob = (await call(base, 'POST', `/rooms/${room}/join`, { body: { name: 'Bob' } })).body;
  const { cursor } = (await call(base, 'GET', `/rooms/${room}/poll?wait=0`, { token: bob.token })).body;
  const poll = call(base, 'GET', `/rooms/${room}/poll?cursor=${cursor}`, { token: bob.token });
  return { room, ann, bob, cursor, poll };
}

describe('the production tree, built the Dockerfile\'s way', () => {
  let tree: string;
  let server: SpawnedServer | undefined;

  beforeAll(async () => {
    tree = mkdtempSync(join(tmpdir(), 'phc-production-'));
    copySources(tree);
    const npm = (...args: string[]) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: tree, timeout: BUILD_TIMEOUT_MS });
    await npm('ci', '--ignore-scripts');
    await run('npm', ['run', 'build'], { cwd: tree, timeout: BUILD_TIMEOUT_MS });
    await npm('prune', '--omit=dev', '--ignore-scripts');
  }, BUILD_TIMEOUT_MS * 2);
  afterEach(() => {
    // The whole group: a shell's child would outlive the shell otherwise.
    const pid = server?.child.pid;
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: every process of the group has exited already
    }
    server = undefined;
  });
  afterAll(() => {
    if (tree !== undefined) rmSync(tree, { recursive: true, force: true });
  });

  it('holds production dependencies only, and npm ci --omit=dev on it succeeds without building', async () => {
    expect(existsSync(join(tree, 'node_modules/koa'))).toBe(true);
    expect(existsSync(join(tree, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(join(tree, 'node_modules/vitest'))).toBe(false);
    const { stdout } = await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: tree, timeout: BUILD_TIMEOUT_MS });
    expect(stdout).toContain('prepare: no devDependencies, build skipped (dist/ is present)');
    expect(existsSync(join(tree, 'node_modules/typescript'))).toBe(false);
  }, BUILD_TIMEOUT_MS);

  it('serves the page and a chat, and /metrics with METRICS_TOKEN, started by the Dockerfile\'s CMD', async () => {
    server = await spawnServer({ METRICS_TOKEN }, { command: dockerCmd(), cwd: tree, detached: true });
    const page = await call(server.url, 'GET', '/about');
    expect(page.status).toBe(200);
    const { room, ann, cursor, poll } = await heldPoll(server.url);
    expect((await call(server.url, 'POST', `/rooms/${room}/send`, { token: ann.token, body: { text: 'built', seq: 1 } })).status).toBe(200);
    const answer = await poll;
    expect(answer.body.events.map((e: { text?: string }) => e.text)).toContain('built');
    expect(answer.body.cursor).not.toBe(cursor);

    const unauthorised = await call(server.url, 'GET', '/metrics');
    expect(unauthorised.status).toBe(401);
    const metrics = await call(server.url, 'GET', '/metrics', { token: METRICS_TOKEN });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^phantachat_keystrokes_total 5$/m);
    expect(metrics.text).toMatch(/^phantachat_poll_answers_total\{end="events"\} [1-9]/m);
    expect(metrics.text).toMatch(/^process_cpu_seconds_total /m);
    expect(metrics.text).not.toContain(room);
  }, 30_000);

  // Docker sends SIGTERM to the container's PID 1, the CMD itself. Heroku's dyno manager sends
  // it to every process of the dyno, and foreman to the process group: a shell in between
  // (sh -c does not exec on Debian) neither swallows nor needs to forward it then.
  // Under sh -c the shell itself dies of the signal; the server's own clean exit shows in its
  // shutdown line, and in the whole process group being gone once stdout closes.
  it.each([
    ['the Dockerfile\'s CMD, as Docker signals PID 1', () => dockerCmd(), (pid: number) => process.kill(pid, 'SIGTERM'), { code: 0, signal: null }],
    ['the Procfile\'s web command under sh -c, as Heroku signals every process', () => ['sh', '-c', procfileWeb()], (pid: number) => process.kill(-pid, 'SIGTERM'), { code: null, signal: 'SIGTERM' }],
  ])('answers held polls at once on SIGTERM to %s, and exits', async (_how, command, signal, expectedExit) => {
    server = await spawnServer({ PRESENCE_TIMEOUT_MS: '60000' }, { command: command(), cwd: tree, detached: true });
    const held = await Promise.all([heldPoll(server.url), heldPoll(server.url)]);
    // Both polls are held once the server has read them; a third request after them proves it.
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
    const signalled = Date.now();
    signal(server.child.pid!);
    const answers = await Promise.all(held.map((h) => h.poll));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.events)).toEqual([[], []]);
    expect(Date.now() - signalled).toBeLessThan(2_000); // not their 25 s timeout
    expect(await server.exited).toEqual(expectedExit);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    // Its stdout closed with it; an orphan is reaped by init a moment later.
    await until(() => !groupAlive(server!.child.pid!), 'the process group to be gone', 2_000);
    expect(server.lines.some((line) => line.includes('"event":"stopping"'))).toBe(true);
    expect(server.lines.find((line) => line.includes('"event":"shutdown"'))).toMatch(/"heldPolls":2,/);
  }, 60_000);
});
