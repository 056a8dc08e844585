import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('request log ($name store)', (factory) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(factory);
  });
  afterEach(() => h.close());

  it('writes one structured line per request and never a message text, token, name or room id', async () => {
    const secret = 'PINEAPPLE-secret-words';
    const room = await h.createRoom();
    const ann = await h.join(room, 'Zelda Secretname');
    const bob = await h.join(room);
    const sends = [
      h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: secret, seq: 1 }),
      h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).set('Content-Type', 'text/plain').send(`${secret} plain`),
      h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).set('Content-Type', 'application/json').send(`{"text": "${secret}`),
      h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: `${secret}\u0000` }),
      h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: secret.repeat(100) }),
      h.api.post(`/rooms/${room}/send`).set(...bearer(`${ann.token}x`)).send({ text: secret }),
    ];
    for (const res of await Promise.all(sends)) expect(JSON.stringify(res.body)).not.toContain(secret.slice(0, 9));
    await h.api.get(`/rooms/${room}/poll`).query({ cursor: bob.cursor }).set(...bearer(bob.token)).expect(200);
    await h.api.post(`/rooms/${room}/leave`).send({ token: ann.token }).expect(204);

    const lines = h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.event === 'request');
    expect(requests).toHaveLength(1 + 2 + sends.length + 2);
    for (const line of requests) {
      expect(Object.keys(line).sort()).toEqual(['durationMs', 'event', 'level', 'method', 'route', 'status', 'time']);
    }
    expect(requests.map((line) => line.route)).toContain('/rooms/:room/send');
    const everything = h.logs.join('\n');
    for (const forbidden of ['PINEAPPLE', 'Secretname', ann.token, bob.token, room]) expect(everything).not.toContain(forbidden);
  });
});
