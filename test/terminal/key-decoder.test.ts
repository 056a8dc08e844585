import { describe, expect, it } from 'vitest';
import { TEXT_MAX_CHARS } from '../../server/protocol.js';
import { decodeKeys } from '../../client/terminal/key-decoder.js';

describe('decodeKeys', () => {
  it('passes typed text through as it is', () => {
    expect(decodeKeys('héllo 👍🏽\t')).toEqual({ text: 'héllo 👍🏽\t', quit: false });
  });

  it('turns Enter into a newline, and a pasted CRLF into one', () => {
    expect(decodeKeys('a\rb\r\nc\n').text).toBe('a\nb\nc\n');
  });

  it('does nothing for Backspace and Delete', () => {
    expect(decodeKeys('ab\u007f\u0008c').text).toBe('abc');
    expect(decodeKeys('\u001b[3~').text).toBe('');
  });

  it('drops cursor keys, function keys, Alt-chords and a lone Escape', () => {
    expect(decodeKeys('\u001b[A\u001b[1;5Cx\u001bOPy\u001bbz\u001b').text).toBe('xyz');
  });

  it('asks to leave on Ctrl-C and sends only what came before it', () => {
    expect(decodeKeys('ok\u0003more')).toEqual({ text: 'ok', quit: true });
  });

  it('drops other control characters', () => {
    expect(decodeKeys('a\u0001\u0004\u001ab').text).toBe('ab');
  });

  it('caps one paste at one send of text', () => {
    expect(Array.from(decodeKeys('😀'.repeat(TEXT_MAX_CHARS + 5)).text)).toHaveLength(TEXT_MAX_CHARS);
  });
});
