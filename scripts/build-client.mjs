// Bundles the browser client (client/browser/main.ts + styles.css) with esbuild into
// dist/client/, with content-hashed file names and a manifest the page router reads.
// Run by `npm run build:client`; tests import buildClient() to build the same way.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTDIR = join(root, 'dist', 'client');

/**
 * @param {{ outdir?: string, write?: boolean }} [options]
 * @returns {Promise<{ script: string, style: string, sizes: Record<string, number> }>}
 */
export async function buildClient({ outdir = DEFAULT_OUTDIR, write = true } = {}) {
  if (write) await rm(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['client/browser/main.ts', 'client/browser/styles.css'],
    outdir,
    bundle: true,
    minify: true,
    // An IIFE runs in every browser a phone still ships; no module loader needed.
    format: 'iife',
    // Private methods (#x()) need Safari 15, Chrome 84, Firefox 90; all from 2021.
    target: ['chrome94', 'firefox93', 'safari15'],
    // Content hashes in file names let the server cache assets forever.
    entryNames: '[name]-[hash]',
    legalComments: 'none',
    metafile: true,
    write,
    logLevel: 'silent',
  });
  const sizes = {};
  let script = '';
  let style = '';
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    const name = basename(path);
    sizes[name] = output.bytes;
    if (name.endsWith('.js')) script = name;
    if (name.endsWith('.css')) style = name;
  }
  if (write) {
    await mkdir(outdir, { recursive: true });
    await writeFile(join(outdir, 'manifest.json'), `${JSON.stringify({ script, style }, null, 2)}\n`);
  }
  return { script, style, sizes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { sizes } = await buildClient();
  for (const [name, bytes] of Object.entries(sizes)) process.stdout.write(`dist/client/${name}  ${bytes} bytes\n`);
}
