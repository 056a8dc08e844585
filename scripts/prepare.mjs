// `npm install` / `npm ci` run this (the `prepare` script). A development install builds, so
// `npm start` runs compiled code; a production install (`npm ci --omit=dev`, as in the
// Dockerfile's run stage) has no TypeScript to build with and must not fail: it expects a tree
// built beforehand (dist/ copied from a build stage), and says so in one line.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function resolvable(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

if (!resolvable('typescript') || !resolvable('esbuild')) {
  const built = existsSync(new URL('../dist/server/main.js', import.meta.url));
  process.stdout.write(`prepare: no devDependencies, build skipped (${built ? 'dist/ is present' : 'dist/ is missing: run `npm run build` where devDependencies are installed'})\n`);
  process.exit(0);
}
const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
