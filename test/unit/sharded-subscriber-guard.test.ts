import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { connect } from '../../server/store/redis/connect.js';
import { silentLogger } from '../../server/logger.js';

interface ShardedSubscriber {
  instance: Redis | null;
  stop(): void;
}
type ShardedSubscriberClass = new (emitter: EventEmitter, options: { host: string; port: number }, redisOptions: object) => ShardedSubscriber;

const { default: ShardedSubscriberClass } = createRequire(import.meta.url)('ioredis/built/cluster/ShardedSubscriber.js') as { default: ShardedSubscriberClass };

describe('a Redis Cluster connection', () => {
  it('keeps an error listener on sharded subscribers ioredis stopped, so a late push cannot kill the process', () => {
    // Nothing listens on port 1: the cluster never connects; connect() installs the guard.
    const cluster = connect('redis://127.0.0.1:1', 'test', silentLogger, true);
    cluster.disconnect();
    const subscriber = new ShardedSubscriberClass(new EventEmitter(), { host: '127.0.0.1', port: 1 }, {});
    const connection = subscriber.instance!;
    subscriber.stop();
    // What ioredis emits for the unsolicited sunsubscribe a failed-over master pushes.
    expect(() => connection.emit('error', new Error('Command queue state error'))).not.toThrow();
  });
});
