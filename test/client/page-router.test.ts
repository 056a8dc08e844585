import { RoomFactory } from '../../server/http/room-factory.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createPageRouter } from '../../server/pages/page-router.js';
import { ClientAssets } from '../../server/pages/client-assets.js';
import { RoomIds } from '../../server/room-ids.js';
import { createStore } from '../../server/store/create-store.js';
import type { RoomStore } from '../../server/store/room-store.js';
import { securityHeaders } from '../../server/http/security-headers.js';
import Koa from 'koa';
import { buildClient } from '../../scripts/build-client.mjs';

let dir: string;
let built: { script: string; style: string };
let app: Koa;
let store: RoomStore;
let roomIds: RoomIds;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phantachat-client-'));
  built = await buildClient({ outdir: dir });
  const config = loadConfig({ ROOM_SALT: 'page-router-salt' });
  store = await createStore(config);
  roomIds = new RoomIds(config.roomSalt);
  app = new Koa();
  app.use(securityHeaders());
  const rooms = new RoomFactory(store, roomIds, config.roomsPerMinute, Date.now);
  app.use(createPageRouter({ config, store, roomIds, rooms, assets: new ClientAssets(dir) }).routes());
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /:room', () => {
  it('links the hashed bundle and stylesheet and nothing else', async () => {
    const room = (await request(app.callback()).get('/').expect(302)).headers.location!.slice(1);
    const res = await request(app.callback()).get(`/${room}`).expect(200);
    expect(res.text.match(/<script/g)).toHaveLength(1);
    expect(res.text).toContain(`<script defer src="/assets/${built.script}"></script>`);
    expect(res.text).toContain(`<link rel="stylesheet" href="/assets/${built.style}">`);
    expect(res.text).toContain('name="viewport"');
    expect(res.text).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 404 with the vanished page and no script', async () => {
    const res = await request(app.callback()).get('/AAAAAAAAAAAAAA').expect(404);
    expect(res.text).toContain('This chat has vanished');
    expect(res.text).toContain('href="/"');
    expect(res.text).not.toContain('<script');
  });
});

describe('GET /assets/:file', () => {
  it('serves the bundle immutable with an ETag and answers 304 when unchanged', async () => {
    const res = await request(app.callback()).get(`/assets/${built.script}`).expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    const etag = res.headers.etag!;
    await request(app.callback()).get(`/assets/${built.script}`).set('If-None-Match', etag).expect(304);
  });

  it('serves nothing outside the manifest pattern', async () => {
    await request(app.callback()).get('/assets/..%2Fmanifest.json').expect(404);
    await request(app.callback()).get('/assets/missing-ABC.js').expect(404);
  });
});

describe('GET /about', () => {
  it('explains Phantachat without any script', async () => {
    const res = await request(app.callback()).get('/about').expect(200);
    expect(res.text).toContain('Live typing that vanishes');
    expect(res.text).not.toContain('<script');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });
});
