import { describe, expect, it } from 'vitest';
import { friendlyName } from '../../server/names.js';
import { NAME_MAX_CHARS } from '../../server/protocol.js';

describe('friendlyName', () => {
  it('is "<Adjective> <Animal>" and fits NAME_MAX_CHARS for every pair the word lists make', () => {
    // Walking `random` over [0, 1) in fine steps reaches every word of each list.
    const names = new Set<string>();
    const steps = 200;
    for (let a = 0; a < steps; a += 1) {
      for (let b = 0; b < steps; b += 1) {
        const draws = [a / steps, b / steps];
        names.add(friendlyName(() => draws.shift()!));
      }
    }
    expect(names.size).toBeGreaterThan(100);
    for (const name of names) {
      expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect([...name].length).toBeLessThanOrEqual(NAME_MAX_CHARS);
    }
  });
});
