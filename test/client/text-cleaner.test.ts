import { describe, expect, it } from 'vitest';
import { cleanText } from '../../client/core/text-cleaner.js';
import { MAX_COMBINING_MARKS, textProblem } from '../../server/text-rules.js';

describe('cleanText', () => {
  it('keeps ordinary text, emoji, tabs and newlines as they are', () => {
    expect(cleanText('héllo\tworld\n👋🏽 שלום')).toEqual({ text: 'héllo\tworld\n👋🏽 שלום', removed: 0 });
  });

  it('turns Windows and old Mac line breaks into newlines without counting them', () => {
    expect(cleanText('a\r\nb\rc')).toEqual({ text: 'a\nb\nc', removed: 0 });
  });

  it('removes control characters and counts them', () => {
    expect(cleanText('a\u0000b\u0007c\u001bd\u007fe\u0085')).toEqual({ text: 'abcde', removed: 5 });
  });

  it('removes bidi embeddings, overrides and isolates', () => {
    expect(cleanText('\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069')).toEqual({ text: 'abcdefgh', removed: 9 });
  });

  it('removes lone surrogates but keeps pairs', () => {
    expect(cleanText('a\ud800b\udc00c😀')).toEqual({ text: 'abc😀', removed: 2 });
  });

  it(`keeps ${MAX_COMBINING_MARKS} combining marks on one character and drops the rest`, () => {
    const marks = '\u0301\u0302\u0303\u0304\u0305\u0306';
    expect(cleanText(`a${marks}b${marks.slice(0, 2)}`)).toEqual({ text: `a${marks.slice(0, MAX_COMBINING_MARKS)}b${marks.slice(0, 2)}`, removed: 2 });
  });
});

describe('cleanText against the server rules', () => {
  it('leaves nothing the server refuses: mark runs cut to the limit, bidi controls dropped', () => {
    expect(cleanText(`a${'\u0301'.repeat(999)}b`).text).toBe(`a${'\u0301'.repeat(MAX_COMBINING_MARKS)}b`);
    expect(cleanText('x\u202ey\u2066z').text).toBe('xyz');
    expect(textProblem(cleanText(`Zalgo${'\u0336'.repeat(50)} \u202eok`).text)).toBeUndefined();
  });
});
