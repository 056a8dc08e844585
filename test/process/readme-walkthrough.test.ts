import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

/** The README's curl walkthrough, exactly as a reader would paste it (only the port differs). */
function walkthrough(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Try it with curl'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README has no curl walkthrough');
  return block[1]!;
}

describe('README curl walkthrough', () => {
  let server: SpawnedServer | undefined;
  afterEach(() => {
    server?.child.kill('SIGKILL');
  });

  it('works pasted as written', async () => {
    server = await spawnServer({});
    const script = walkthrough().replaceAll('localhost:3000', server.url.replace('http://', ''));
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 20_000 });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^room: http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9]{12,}$/);
    expect(JSON.parse(lines[1]!).events).toEqual([expect.objectContaining({ type: 'join', name: 'Ann' })]);
    expect(lines[2]).toMatch(/^\{"id":"[^"]+"\}\{"id":"[^"]+"\}$/);
    expect(JSON.parse(lines[3]!).events.map((e: { text: string }) => e.text)).toEqual(['hel', 'lo!']);
    expect(lines[4]).toBe('image: 200 image/png 70 bytes');
    expect(lines[5]).toBe('leave: 204');
    expect(lines).toHaveLength(6);
  });
});
