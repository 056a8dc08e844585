import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../server/store/redis/connect.js';
import { createLogger } from '../../server/logger.js';
import { haveOpenssl, haveRedisServer, PrivateRedis } from './private-redis.js';

/** Connects as the store does and resolves with the first log line (or times out). */
async function firstLine(url: string): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const client = connect(url, 'commands', createLogger((line) => lines.push(line)));
  let ready = false;
  client.once('ready', () => (ready = true));
  try {
    const deadline = Date.now() + 8_000;
    while (lines.length === 0 && !ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return lines.length > 0 ? (JSON.parse(lines[0]!) as Record<string, unknown>) : { ready };
  } finally {
    client.disconnect();
  }
}

describe.skipIf(!haveRedisServer || !haveOpenssl)('a Redis URL whose TLS does not match the server', () => {
  let redis: PrivateRedis | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('rediss:// against a plain Redis logs a line naming TLS as the likely cause', async () => {
    redis = new PrivateRedis(false);
    await redis.start();
    const line = await firstLine(`rediss://:pass-word-1@127.0.0.1:${redis.port}`);
    expect(line).toMatchObject({ level: 'warn', event: 'redis unavailable', code: 'ETIMEDOUT', hint: expect.stringMatching(/TLS.*use redis:\/\//) });
    expect(JSON.stringify(line)).not.toContain('pass-word-1');
  }, 15_000);

  it('redis:// against a TLS-only Redis logs a line naming TLS as the likely cause', async () => {
    redis = new PrivateRedis(true);
    await redis.start();
    const line = await firstLine(`redis://:pass-word-2@127.0.0.1:${redis.port}`);
    expect(line).toMatchObject({ level: 'warn', event: 'redis unavailable', code: 'ECONNRESET', hint: expect.stringMatching(/requires TLS.*use rediss:\/\//) });
    expect(JSON.stringify(line)).not.toContain('pass-word-2');
  }, 15_000);

  it('a matching URL connects and logs nothing', async () => {
    redis = new PrivateRedis(false);
    await redis.start();
    expect(await firstLine(`redis://127.0.0.1:${redis.port}`)).toEqual({ ready: true });
  });
});
