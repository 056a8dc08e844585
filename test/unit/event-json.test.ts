import { describe, expect, it } from 'vitest';
import { parseEvent, parseStoredEvent } from '../../server/store/redis/event-json.js';

describe('event JSON from Redis', () => {
  it('puts the fields in protocol order, whatever order cjson wrote them in, and only those present', () => {
    const text = parseEvent('{"expiresAt":20,"gaps":[40,60],"text":"hi","at":10,"name":"Ann","from":"p1","type":"text","id":"e.3"}');
    expect(Object.keys(text)).toEqual(['id', 'type', 'from', 'name', 'text', 'gaps', 'at', 'expiresAt']);
    expect(text).toEqual({ id: 'e.3', type: 'text', from: 'p1', name: 'Ann', text: 'hi', gaps: [40, 60], at: 10, expiresAt: 20 });
    const join = parseStoredEvent('20 {"at":10,"type":"join","id":"e.1","from":"p1","name":"Ann","expiresAt":20}');
    expect(Object.keys(join)).toEqual(['id', 'type', 'from', 'name', 'at', 'expiresAt']);
  });

  it('keeps only the image fields the protocol names', () => {
    const event = parseEvent('{"id":"e.4","type":"image","from":"p1","name":"Ann","image":{"height":2,"extra":1,"id":"i","type":"image/png","bytes":9,"width":3},"at":1,"expiresAt":2}');
    expect(Object.keys(event)).toEqual(['id', 'type', 'from', 'name', 'image', 'at', 'expiresAt']);
    expect(event.image).toEqual({ id: 'i', type: 'image/png', bytes: 9, width: 3, height: 2 });
    expect(Object.keys(event.image!)).toEqual(['id', 'type', 'bytes', 'width', 'height']);
  });
});
