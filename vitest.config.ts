import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Set by .ci/run once .ci/redis-cluster is up (any node of the cluster); without it, no cluster project. */
const redisClusterUrl = process.env.REDIS_CLUSTER_URL?.trim() || undefined;

// The protocol and Redis process suites again, on a Redis Cluster and with the Redis store only.
// One file at a time, as in redis-processes, and also so the failover test is the only one on
// the cluster while it moves a shard's master. Left out here:
const NOT_ON_A_CLUSTER = [
  // stops and starts a private single redis-server: a cluster outage is not what it is about
  'test/redis/outage.test.ts',
];
const redisClusterProject: TestProjectInlineConfiguration[] =
  redisClusterUrl === undefined
    ? []
    : [
        {
          extends: true,
          test: {
            name: 'redis-cluster',
            include: ['test/protocol/**/*.test.ts', 'test/redis/**/*.test.ts'],
            exclude: NOT_ON_A_CLUSTER,
            env: { REDIS_URL: redisClusterUrl, REDIS_CLUSTER: 'true' },
            fileParallelism: false,
          },
        },
      ];

export default defineConfig({
  test: {
    testTimeout: 10_000,
    hookTimeout: 20_000,
    // Most files wait on child processes, timers or the browser rather than compute, so three
    // workers on a two-core machine halve the wall time (51 s to 26 s measured) without starving any.
    maxWorkers: 3,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ['test/redis/**', 'test/e2e/**', 'test/bench/**'] },
      },
      {
        // Real browsers and the bench smoke race the clock on a 2-core machine (a page that misses
        // a 30 s wait while another file loads the CPU): such a test must fail twice to fail the
        // run, and vitest reports every retry. Their flakes are listed in the closing note.
        extends: true,
        test: { name: 'browsers-and-bench', include: ['test/e2e/**/*.test.ts', 'test/bench/**/*.test.ts'], retry: 1 },
      },
      {
        // These spawn server processes that share one Redis database and key prefix, and each
        // sweeps every room it finds there with its own settings: one file at a time.
        extends: true,
        test: { name: 'redis-processes', include: ['test/redis/**/*.test.ts'], fileParallelism: false },
      },
      ...redisClusterProject,
    ],
  },
});
