import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type Reply = string | number | null | Reply[];

/**
 * One Lua script, run by its SHA1 (EVALSHA) so each call sends only its arguments. A
 * Redis that restarted or failed over has lost its script cache; the script is then
 * sent once in full (EVAL caches it again).
 */
export class LuaScript {
  private readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, args: Array<string | number>): Promise<Reply> {
    try {
      return (await redis.evalsha(this.sha, 0, ...args)) as Reply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.eval(this.source, 0, ...args)) as Reply;
    }
  }
}
