import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The two files a page links to, by their content-hashed names. */
export interface PageAssets {
  script: string;
  style: string;
}

export interface Asset {
  body: Buffer;
  etag: string;
  type: 'application/javascript' | 'text/css';
}

// esbuild's `[name]-[hash]` names: nothing else is ever read from the folder.
const ASSET_NAME = /^[A-Za-z0-9_-]+\.(js|css)$/;

/**
 * The browser client as built by scripts/build-client.mjs into dist/client/. The
 * manifest is re-read on each page view (a few hundred bytes), so a rebuild during
 * development shows up without a restart; file contents are cached by their hashed
 * names, which never change meaning.
 */
export class ClientAssets {
  readonly dir: string;
  readonly #cache = new Map<string, Asset>();

  constructor(dir: string = defaultClientDir()) {
    this.dir = dir;
  }

  /** Undefined until `npm run build` has produced the bundle. */
  async manifest(): Promise<PageAssets | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(this.dir, 'manifest.json'), 'utf8')) as Partial<PageAssets>;
      if (typeof parsed.script !== 'string' || typeof parsed.style !== 'string') return undefined;
      if (!ASSET_NAME.test(parsed.script) || !ASSET_NAME.test(parsed.style)) return undefined;
      return { script: parsed.script, style: parsed.style };
    } catch {
      return undefined;
    }
  }

  async read(name: string): Promise<Asset | undefined> {
    const match = ASSET_NAME.exec(name);
    if (!match) return undefined;
    const cached = this.#cache.get(name);
    if (cached) return cached;
    try {
      const body = await readFile(join(this.dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      const asset: Asset = { body, etag, type: match[1] === 'js' ? 'application/javascript' : 'text/css' };
      this.#cache.set(name, asset);
      return asset;
    } catch {
      return undefined;
    }
  }
}

/** dist/client under the package root, found from this file whether it runs as TS or compiled JS. */
function defaultClientDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), 'dist', 'client');
    dir = parent;
  }
  return join(dir, 'dist', 'client');
}
