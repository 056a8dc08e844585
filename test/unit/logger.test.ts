import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, stdoutSink } from '../../server/logger.js';

describe('createLogger', () => {
  it('writes one JSON object per call, with time, level, event and the fields', () => {
    const lines: string[] = [];
    createLogger((line) => lines.push(line)).log('warn', 'thing', { a: 1, b: 'x', gone: undefined });
    const entry = JSON.parse(lines[0]!);
    expect(entry).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'warn', event: 'thing', a: 1, b: 'x' });
  });
});

describe('stdoutSink', () => {
  it('writes the lines of one event-loop turn as one chunk, in order', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const sink = stdoutSink(out);
    sink.write('one');
    sink.write('two');
    expect(chunks).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual(['one\ntwo\n']);
  });

  it('flushes on demand and calls back once the lines are out', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const sink = stdoutSink(out);
    sink.write('last words');
    await new Promise<void>((resolve) => sink.flush(resolve));
    expect(text).toBe('last words\n');
  });
});
