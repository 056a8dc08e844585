import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

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

  async run(redis: Redis, args: ScriptArg[]): Promise<Reply> {
    try {
      return (await redis.evalsha(this.sha, 0, ...args)) as Reply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.eval(this.source, 0, ...args)) as Reply;
    }
  }

  /** As run(), with the reply's strings as raw bytes. */
  async runBuffer(redis: Redis, args: ScriptArg[]): Promise<BufferReply> {
    try {
      return (await redis.callBuffer('EVALSHA', this.sha, 0, ...args)) as BufferReply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.callBuffer('EVAL', this.source, 0, ...args)) as BufferReply;
    }
  }
}
