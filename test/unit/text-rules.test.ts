import { describe, expect, it } from 'vitest';
import { MAX_COMBINING_MARKS, nameProblem, textProblem } from '../../server/text-rules.js';

describe('textProblem', () => {
  it('allows MAX_COMBINING_MARKS marks in a row and refuses one more', () => {
    expect(textProblem(`e${'\u0301'.repeat(MAX_COMBINING_MARKS)}`)).toBeUndefined();
    expect(textProblem(`e${'\u0301'.repeat(MAX_COMBINING_MARKS + 1)}`)).toBe('too-many-marks');
  });

  it('counts marks per base character, not per text', () => {
    expect(textProblem('e\u0301\u0302 a\u0301\u0302 o\u0301\u0302\u0303')).toBeUndefined();
  });

  it('refuses every bidi embedding, override and isolate control', () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(textProblem(`a${String.fromCodePoint(code)}b`)).toBe('bidi-control');
    }
    expect(textProblem('שלום and hello')).toBeUndefined();
  });
});

describe('nameProblem', () => {
  it('refuses names of only invisible characters and accepts one visible among them', () => {
    expect(nameProblem('\u200d'.repeat(32))).toBe('invisible');
    expect(nameProblem('\u3000\u200b')).toBe('invisible');
    expect(nameProblem('\u200dA\u200d')).toBeUndefined();
    expect(nameProblem('👩‍💻')).toBeUndefined();
  });
});
