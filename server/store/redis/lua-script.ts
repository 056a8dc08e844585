import { createHash } from 'node:crypto';
import type { RedisClient } from './connect.js';

export type Reply = string | number | null | Reply[];
/** A reply read as bytes (for image data): strings come back as Buffers. */
export type BufferReply = Buffer | number | null | BufferReply[];
export type ScriptArg = string | number | Buffer;

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

  /** `keys` all share one hash slot (a Redis Cluster routes the call by them). */
  async run(redis: RedisClient, keys: string[], args: ScriptArg[]): Promise<Reply> {
    try {
      return (await redis.evalsha(this.sha, keys.length, ...keys, ...args)) as Reply;
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return (await redis.eval(this.source, keys.length, ...keys, ...args)) as Reply;
    }
  }

  /** As run(), with the reply's strings as raw bytes. */
  async runBuffer(redis: RedisClient, keys: string[], args: ScriptArg[]): Promise<BufferReply> {
    try {
      return (await redis.callBuffer('EVALSHA', this.sha, keys.length, ...keys, ...args)) as BufferReply;
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return (await redis.callBuffer('EVAL', this.source, keys.length, ...keys, ...args)) as BufferReply;
    }
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
