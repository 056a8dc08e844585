import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('server/main.ts start-up', () => {
  it.each([
    [{ POLL_HOLD_MS: '30000' }, 'POLL_HOLD_MS'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ ROOM_CAPACITY: '1' }, 'ROOM_CAPACITY'],
  ])('stops at once with one line naming the variable for %j', (env, name) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^phantachat: ${name} `));
    expect(result.stdout).toBe('');
  });
});
